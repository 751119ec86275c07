import { PROVIDER_NAMES, start } from './app.js'

const { url } = await start()
console.log(`hono-app listening on ${url}`)
for (const provider of PROVIDER_NAMES) console.log(`  POST ${url}/webhooks/${provider}`)
console.log(`  GET  ${url}/events   GET ${url}/events/count`)
