import type { Metafile, Plugin } from 'esbuild'

export interface EdgeOutput {
  path: string
  text: string
  meta: Metafile['outputs'][string]
}

export function bundleForEdge(options: {
  contents: string
  resolveDir: string
  outdir: string
  fromSource?: boolean
  plugins?: Plugin[]
}): Promise<{ inputs: string[]; outputs: EdgeOutput[]; entry: string | undefined; eager: Set<string> }>

export function sizeOf(list: readonly { text: string }[]): { min: number; gz: number }
