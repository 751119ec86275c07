import type { IssuesOpenedEvent, PullRequestEvent, PushEvent } from '@octokit/webhooks-types'
import * as v from 'valibot'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  createRouter,
  defineProvider,
  type EventSpec,
  type OrchestEventPayload,
  type OrchestEventType,
  type OrchestPayload,
  type Provider,
  providers,
  type RoutedWebhook,
  type StandardSchemaV1,
  type StandardWebhooksPayload,
  type Up42JobStatusBody,
  type Up42OrderStatusBody,
  type Up42Payload,
} from '../src/node.js'

declare module '@hookproof/core' {
  // how a user types the events of their own provider (see the core README, Routing)
  interface RouterEvents {
    'acme-ci': EventSpec<{ 'build.done': { id: string; ok: boolean } }>
  }
}

// Type assertions: checked by `npm run typecheck` (tsc); the routes are registered, never dispatched.
describe('router: handlers get the payload typed for their event', () => {
  it('orchest: each of the 58 event types and ping, with the nested layers that type carries', () => {
    createRouter({ provider: 'orchest' })
      .on('project:one-off-job:pipeline-run:failed', ({ event, payload }) => {
        expectTypeOf(event).toEqualTypeOf<'project:one-off-job:pipeline-run:failed'>()
        expectTypeOf(payload).toEqualTypeOf<OrchestEventPayload<'project:one-off-job:pipeline-run:failed'>>()
        expectTypeOf(payload.event.type).toEqualTypeOf<'project:one-off-job:pipeline-run:failed'>()
        expectTypeOf(payload.event.project.job.pipeline_run.url_path).toEqualTypeOf<string>()
        expectTypeOf(payload.delivered_for.name).toEqualTypeOf<string>()
      })
      .on('project:cron-job:run:pipeline-run:failed', ({ payload }) => {
        expectTypeOf(payload.event.project.job.run.pipeline_run.uuid).toEqualTypeOf<string>()
      })
      .on('project:environment:image-build:failed', ({ payload }) => {
        expectTypeOf(payload.event.project.environment.url_path).toEqualTypeOf<string>()
      })
      .on('jupyter:image-build:succeeded', ({ payload }) => {
        expectTypeOf(payload.event.jupyter.image_build).toEqualTypeOf<{ [key: string]: unknown }>()
      })
      .on('ping', ({ payload }) => {
        expectTypeOf(payload.event.type).toEqualTypeOf<'ping'>()
      })
      .on('*', ({ event, payload }) => {
        expectTypeOf(event).toEqualTypeOf<string | undefined>()
        expectTypeOf(payload).toExtend<OrchestPayload>()
      })
    expect(() =>
      // @ts-expect-error: a cron job never succeeds, only its runs do (and .on() throws at run time too)
      createRouter({ provider: 'orchest' }).on('project:cron-job:succeeded', () => {}),
    ).toThrow(TypeError)
    expectTypeOf<OrchestEventType>().toExtend<string>()
    expect(true).toBe(true)
  })

  it('up42: job.status and order.status, each with its body', () => {
    createRouter({ provider: 'up42' })
      .on('job.status', ({ payload }) => {
        expectTypeOf(payload.event).toEqualTypeOf<'job.status'>()
        expectTypeOf(payload.body).toEqualTypeOf<Up42JobStatusBody>()
      })
      .on('order.status', ({ payload }) => {
        expectTypeOf(payload.body).toEqualTypeOf<Up42OrderStatusBody>()
      })
      .on('*', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<Up42Payload>()
      })
    expect(() =>
      // @ts-expect-error: UP42 sends no such event
      createRouter({ provider: 'up42' }).on('job.created', () => {}),
    ).toThrow(TypeError)
    expect(true).toBe(true)
  })

  it('github: events and event.action names from @octokit/webhooks-types', () => {
    createRouter({ provider: 'github' })
      .on('push', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<PushEvent>()
      })
      .on('issues.opened', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<IssuesOpenedEvent>()
        expectTypeOf(payload.action).toEqualTypeOf<'opened'>()
      })
      .on('pull_request', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<PullRequestEvent>()
      })
    // @ts-expect-error: not a GitHub event
    createRouter({ provider: 'github' }).on('pushed', () => {})
    expect(true).toBe(true)
  })

  it('standard-webhooks: any type by default; the user supplies the event map as a type parameter', () => {
    createRouter({ provider: 'standard-webhooks' }).on('invoice.paid', ({ payload }) => {
      expectTypeOf(payload).toEqualTypeOf<StandardWebhooksPayload>()
    })
    type Billing = {
      'invoice.paid': { type: 'invoice.paid'; timestamp: string; data: { id: string; amount: number } }
      'invoice.voided': { type: 'invoice.voided'; timestamp: string; data: { id: string } }
    }
    createRouter<Billing>({ provider: 'standard-webhooks' })
      .on('invoice.paid', ({ payload }) => {
        expectTypeOf(payload.data.amount).toEqualTypeOf<number>()
      })
      .on('*', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<Billing['invoice.paid'] | Billing['invoice.voided']>()
      })
    // @ts-expect-error: not in the map
    createRouter<Billing>({ provider: 'standard-webhooks' }).on('invoice.created', () => {})
    expect(true).toBe(true)
  })

  it('y42, designer-cloud: any name, unknown payload; xplenty: its documented names suggested, others allowed', () => {
    createRouter({ provider: 'y42' }).on('orchestration.run.finished', ({ payload, event }) => {
      expectTypeOf(payload).toEqualTypeOf<unknown>()
      expectTypeOf(event).toEqualTypeOf<'orchestration.run.finished'>()
    })
    createRouter({ provider: 'designer-cloud' }).on('Complete', ({ payload }) => {
      expectTypeOf(payload).toEqualTypeOf<unknown>()
    })
    createRouter({ provider: 'xplenty' })
      .on('job.failed', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<unknown>()
      })
      .on('job.whatever', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<unknown>()
      })
    expect(true).toBe(true)
  })

  it('a schema types the payload as its output: zod and valibot, per event and for the whole router', () => {
    const Job = z.object({ event: z.literal('job.status'), body: z.object({ id: z.string(), status: z.string() }) })
    createRouter({ provider: 'up42' }).on('job.status', { schema: Job }, ({ payload }) => {
      expectTypeOf(payload).toEqualTypeOf<z.output<typeof Job>>()
    })
    const Order = v.object({ body: v.object({ status: v.picklist(['FULFILLED', 'FAILED PERMANENTLY']) }) })
    createRouter({ provider: 'up42' }).on('order.status', { schema: Order, onInvalid: 'drop' }, ({ payload }) => {
      expectTypeOf(payload.body.status).toEqualTypeOf<'FULFILLED' | 'FAILED PERMANENTLY'>()
    })
    const Y42 = z.object({ event: z.string(), status: z.enum(['success', 'failed', 'partial_success']) })
    createRouter({ provider: 'y42', schema: Y42 })
      .on('model.run.finished', ({ payload }) => {
        expectTypeOf(payload.status).toEqualTypeOf<'success' | 'failed' | 'partial_success'>()
      })
      .on('*', ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<z.output<typeof Y42>>()
      })
    expectTypeOf(Job).toExtend<StandardSchemaV1>()
    expectTypeOf(Order).toExtend<StandardSchemaV1>()
    expect(true).toBe(true)
  })

  it('a custom provider routes any name; a row added to RouterEvents types it', () => {
    const acme: Provider = defineProvider({ ...providers.y42, name: 'acme' })
    createRouter({ provider: acme }).on('build.done', (hook) => {
      expectTypeOf(hook).toEqualTypeOf<RoutedWebhook<unknown, 'build.done'>>()
    })
    expectTypeOf<EventSpec<{ a: 1 }>['other']>().toEqualTypeOf<never>()
    const acmeCi = defineProvider({ ...providers.y42, name: 'acme-ci' as const })
    createRouter({ provider: acmeCi }).on('build.done', ({ payload }) => {
      expectTypeOf(payload).toEqualTypeOf<{ id: string; ok: boolean }>()
    })
    // @ts-expect-error: a closed list added by declaration merging
    createRouter({ provider: acmeCi }).on('build.started', () => {})
    expect(true).toBe(true)
  })

  it('a handler answers nothing, a status, or a status with a body; anything else is a compile error', () => {
    createRouter({ provider: 'y42' })
      .on('a', () => {})
      .on('b', async () => 202)
      .on('c', () => ({ status: 200, body: { ok: true } }))
    // @ts-expect-error: a string is not an answer
    createRouter({ provider: 'y42' }).on('d', () => 'ok')
    expect(true).toBe(true)
  })
})
