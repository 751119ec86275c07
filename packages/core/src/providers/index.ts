import type { Provider } from '../provider.js'
import { dbtCloud } from './dbt-cloud.js'
import { designerCloud } from './designer-cloud.js'
import { fivetran } from './fivetran.js'
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
  fivetran,
  'dbt-cloud': dbtCloud,
} satisfies Record<string, Provider>)

/**
 * Name of a built-in provider.
 *
 * @example
 * const provider: ProviderName = 'designer-cloud'
 * createVerifier({ provider, secret: process.env.DESIGNER_CLOUD_WEBHOOK_SECRET })
 */
export type ProviderName = keyof typeof providers

/**
 * The names users know the vendors by, accepted wherever a provider name is: the vendors renamed
 * (Trifacta became Alteryx Designer Cloud, Xplenty is Integrate.io ETL) and spellings without
 * the dash.
 *
 * @example
 * createVerifier({ provider: 'trifacta', secret }).providers // ['designer-cloud']
 */
export const PROVIDER_ALIASES = Object.freeze({
  trifacta: 'designer-cloud',
  alteryx: 'designer-cloud',
  'alteryx-designer-cloud': 'designer-cloud',
  designercloud: 'designer-cloud',
  designer_cloud: 'designer-cloud',
  'integrate.io': 'xplenty',
  integrateio: 'xplenty',
  'integrate-io': 'xplenty',
  standardwebhooks: 'standard-webhooks',
  standard_webhooks: 'standard-webhooks',
  svix: 'standard-webhooks',
  dbt: 'dbt-cloud',
  dbtcloud: 'dbt-cloud',
  dbt_cloud: 'dbt-cloud',
} as const satisfies Record<string, ProviderName>)

/**
 * A vendor name accepted as an alias of a built-in provider; see {@link PROVIDER_ALIASES}.
 *
 * @example
 * const provider: ProviderAlias = 'integrate.io' // xplenty
 */
export type ProviderAlias = keyof typeof PROVIDER_ALIASES

export { dbtCloud, designerCloud, fivetran, github, orchest, standardWebhooks, up42, xplenty, y42 }
