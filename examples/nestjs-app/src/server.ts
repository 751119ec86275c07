import { PROVIDER_NAMES, start } from './app.js'

const platform = process.env.NEST_PLATFORM === 'fastify' ? 'fastify' : 'express'
const { url } = await start(undefined, { platform })
console.log(`nestjs-app (${platform} platform) listening on ${url}`)
for (const provider of PROVIDER_NAMES) console.log(`  POST ${url}/webhooks/${provider}`)
console.log(`  GET  ${url}/events   GET ${url}/events/count`)
