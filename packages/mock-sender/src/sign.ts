/**
 * The seam between the mock's deliveries and core: signatures come only from core's `sign`, the
 * same provider rows the verifier reads, never from HMAC code of the mock's own.
 */
import { type SignInput, sign } from '@hookproof/core'
import { mergeHeaders, type UnsignedDelivery } from './delivery.js'
import { vendorOf } from './vendors/index.js'

/**
 * Options for {@link signDelivery}: the secret, the signing clock and the provider switches of core's `SignInput`.
 *
 * @example
 * const options: SignDeliveryOptions = { secret: 'test-secret-1', now: Date.now() }
 * const signed = await signDelivery(orchestPing(), options)
 */
export interface SignDeliveryOptions extends Pick<SignInput, 'signedHeaders' | 'digest' | 'hash' | 'legacyHeader' | 'xplentyMetadata'> {
  /** The secret as entered in the vendor's settings (Standard Webhooks: `whsec_…`). */
  secret: string
  /** Signing clock in ms. Default `Date.now()` (not the event time: a receiver checks the signed time against its own clock). */
  now?: number
  /** The URL the delivery goes to; required for Designer Cloud GET and DELETE, which sign it. */
  url?: string
}

/**
 * A delivery ready to send: the unsigned one plus the signature headers core computed.
 *
 * @example
 * const signed: SignedDelivery = await signDelivery(githubEvent({ seed: 1 }), { secret: 'test-secret-1' })
 * signed.signatureHeaders['X-Hub-Signature-256'] // 'sha256=' + 64 hex
 */
export interface SignedDelivery extends UnsignedDelivery {
  /** The signing clock used, ms. */
  signedAt: number
  /** Exactly what core's `sign` returned (already merged into `headers`). */
  signatureHeaders: Record<string, string>
}

/**
 * Signs a delivery with core's `sign` and returns a copy with the signature headers added.
 *
 * @example
 * const signed = await signDelivery(orchestPing({ seed: 1 }), { secret: 'test-secret-1' })
 * signed.headers['X-Hub-Signature'] // 64 lowercase hex
 * @throws {TypeError} for Designer Cloud GET/DELETE without a URL, or what core's `sign` rejects.
 */
export async function signDelivery(delivery: UnsignedDelivery, options: SignDeliveryOptions): Promise<SignedDelivery> {
  const url = options.url ?? delivery.url
  const { row, vendor } = vendorOf(delivery.row ?? delivery.provider)
  if (url === undefined && vendor.urlSignedFor?.includes(delivery.method) === true) {
    throw new TypeError(`${row.title} signs the URL of a ${delivery.method}: pass url`)
  }
  const now = options.now ?? Date.now()
  const input: SignInput = {
    secret: options.secret,
    body: delivery.body,
    now,
    method: delivery.method,
    headers: delivery.headers,
    ...(delivery.deliveryId === undefined ? {} : { id: delivery.deliveryId }),
    event: delivery.event,
    ...(url === undefined ? {} : { url }),
    ...(options.signedHeaders === undefined ? {} : { signedHeaders: options.signedHeaders }),
    ...(options.digest === undefined ? {} : { digest: options.digest }),
    ...(options.hash === undefined ? {} : { hash: options.hash }),
    ...(options.legacyHeader === undefined ? {} : { legacyHeader: options.legacyHeader }),
    ...(options.xplentyMetadata === undefined ? {} : { xplentyMetadata: options.xplentyMetadata }),
  }
  const signatureHeaders = await sign(row, input)
  return {
    ...delivery,
    ...(url === undefined ? {} : { url }),
    headers: mergeHeaders(delivery.headers, signatureHeaders),
    signedAt: now,
    signatureHeaders,
  }
}
