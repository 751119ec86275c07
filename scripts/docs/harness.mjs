// Loaded before a README block runs (scripts/docs/readme.test.ts): a fixed port (`listen(3000)`)
// becomes a free one so blocks run side by side; every server is recorded, announced on stdout
// (`DOCS_LISTENING <url>`) and closed when the block is done, so a block that starts a server ends.
// With DOCS_HOLD=1 the servers stay up until SIGTERM, for tests that send requests to them.
import net from 'node:net'

const servers = []
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  servers.push(this)
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) args[0] = 0
  else if (args[0] !== null && typeof args[0] === 'object' && 'port' in args[0]) args[0] = { ...args[0], port: 0 }
  this.once('listening', () => {
    const address = this.address()
    if (address !== null && typeof address === 'object') process.stdout.write(`DOCS_LISTENING http://127.0.0.1:${address.port}\n`)
  })
  return listen.apply(this, args)
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

globalThis.__docsHarness = {
  async finish() {
    // let a server come up and late errors (a refused connection, a rejected promise) surface
    await settle(300)
    if (process.env.DOCS_HOLD === '1' && servers.length > 0) {
      process.stdout.write('DOCS_READY\n')
      await new Promise((resolve) => process.once('SIGTERM', resolve))
    }
    for (const server of servers) {
      server.closeAllConnections?.()
      server.close()
    }
    // clients a block opened (Redis, Postgres pools) would keep the process alive
    process.exit(process.exitCode ?? 0)
  },
}
