import type { Provider } from '../provider.js'
import { designerCloud } from './designer-cloud.js'
import { github } from './github.js'
import { orchest } from './orchest.js'
import { standardWebhooks } from './standard-webhooks.js'
import { up42 } from './up42.js'
import { xplenty } from './xplenty.js'
import { y42 } from './y42.js'

/**
 * The registry: the only list of built-in providers. Detection, the docs table, the mock sender
 * and the CLI all read it.
 *
 * @example
 * for (const p of Object.values(providers)) console.log(p.name, p.signatureHeaders.join(', '))
 */
export const providers = Object.freeze({
  y42,
  up42,
  orchest,
  'designer-cloud': designerCloud,
  xplenty,
  github,
  'standard-webhooks': standardWebhooks,
} satisfies Record<string, Provider>)

/**
 * Name of a built-in provider.
 *
 * @example
 * const provider: ProviderName = 'designer-cloud'
 * createVerifier({ provider, secret: process.env.DESIGNER_CLOUD_WEBHOOK_SECRET })
 */
export type ProviderName = keyof typeof providers

export { designerCloud, github, orchest, standardWebhooks, up42, xplenty, y42 }
