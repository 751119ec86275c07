/** Plain-text tables for reports: columns padded to their widest cell, no colours. */

/**
 * Formats rows under a header, each column as wide as its widest cell.
 *
 * @example
 * formatTable(['case', 'ok'], [['valid', 'yes']])
 * // 'case   ok \n-----  ---\nvalid  yes'
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}
