import { afterEach, describe, expect, it, vi } from 'vitest'
import { bodyText } from '../src/delivery.js'
import { ORCHEST_EVENT_TYPES, orchestEvent, orchestPing } from '../src/vendors/orchest.js'
import pingForm from './fixtures/orchest-ping-form.json' with { type: 'json' }
import pingJson from './fixtures/orchest-ping-json.json' with { type: 'json' }

// The documented ping, expressed as factory overrides.
const documented = {
  deliveredFor: { uuid: 'a1edb89c-1cfb-4086-8f75-ab073612c5bf' },
  event: {
    uuid: '08bd2a31-9b17-4d1b-83ba-b4538a970dee',
    timestamp: '2022-06-02 16:12:25.242592+00:00',
  },
  deliveryId: '5b0e3f35-3c54-4a4f-9d0e-2a5d2b7a8e11',
}

describe('orchestPing()', () => {
  it('with the documented values produces exactly the orchest-ping-json body', () => {
    const d = orchestPing(documented)
    expect(bodyText(d)).toBe(pingJson.body)
    expect(d.body.length).toBe(pingJson.bodyBytes)
  })

  it('sends the headers Orchest sends: event, delivery id, User-Agent and content type', () => {
    const d = orchestPing(documented)
    expect(d.method).toBe('POST')
    // no Accept and no gzip: session.send() of a bare prepared Request merges no Session defaults
    expect(d.headers).toEqual({
      'Accept-Encoding': 'identity',
      'Content-Type': 'application/json',
      'X-Orchest-Event': 'ping',
      'X-Orchest-Delivery': '5b0e3f35-3c54-4a4f-9d0e-2a5d2b7a8e11',
      'User-Agent': 'Orchest',
    })
    expect(d.timeoutMode).toBe('connect-and-read')
    expect(d.deliveryId).toBe('5b0e3f35-3c54-4a4f-9d0e-2a5d2b7a8e11')
    expect(d.event).toBe('ping')
    expect(d.timeoutMs).toBe(5000)
  })

  it('form variant produces exactly the hand-written quote_plus body', () => {
    const d = orchestPing({ ...documented, contentType: 'application/x-www-form-urlencoded' })
    expect(bodyText(d)).toBe(pingForm.body)
    expect(d.headers['Content-Type']).toBe('application/x-www-form-urlencoded')
    expect(d.contentType).toBe('application/x-www-form-urlencoded')
  })

  it('a seeded ping without now carries the seeded clock, in Python str(datetime) form', () => {
    const d = orchestPing({ seed: 1 })
    const event = JSON.parse(bodyText(d)).event
    expect(Object.keys(event)).toEqual(['type', 'uuid', 'timestamp'])
    expect(event.timestamp).toMatch(/^2023-11-14 22:13:20\.000\d{3}\+00:00$/)
  })

  it('extra headers replace the vendor ones case-insensitively, undefined removes one', () => {
    const d = orchestPing({ ...documented, headers: { 'user-agent': 'curl', 'Accept-Encoding': undefined, 'X-Extra': '1' } })
    expect(d.headers['User-Agent']).toBeUndefined()
    expect(d.headers['user-agent']).toBe('curl')
    expect(d.headers['Accept-Encoding']).toBeUndefined()
    expect(d.headers['X-Extra']).toBe('1')
  })
})

describe('orchestEvent() event types', () => {
  it('knows exactly the 58 event types of Orchest’s table, each once', () => {
    expect(ORCHEST_EVENT_TYPES).toHaveLength(58)
    expect(new Set(ORCHEST_EVENT_TYPES).size).toBe(58)
    expect(ORCHEST_EVENT_TYPES).not.toContain('ping')
    expect(ORCHEST_EVENT_TYPES[0]).toBe('project:created')
    expect(ORCHEST_EVENT_TYPES[57]).toBe('jupyter:image-build:cancelled')
    expect(ORCHEST_EVENT_TYPES).toContain('project:pipeline:interactive-session:service-restarted')
    expect(ORCHEST_EVENT_TYPES).toContain('project:cron-job:unpaused')
    expect(ORCHEST_EVENT_TYPES).toContain('project:cron-job:run:pipeline-run:deleted')
  })

  it.each(ORCHEST_EVENT_TYPES)('%s builds an ASCII Python-format body naming its type', (type) => {
    const d = orchestEvent({ type, seed: type })
    const text = bodyText(d)
    expect(text).toMatch(/^[\x20-\x7e]*$/)
    expect(text.startsWith('{"delivered_for": {"name": "Test webhook", "verify_ssl": false, ')).toBe(true)
    const parsed = JSON.parse(text)
    expect(parsed.event.type).toBe(type)
    expect(d.headers['X-Orchest-Event']).toBe(type)
    expect(d.event).toBe(type)
    expect(parsed.event.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(parsed).toEqual(d.payload)
  })

  it('rejects an unknown type', () => {
    // @ts-expect-error not an Orchest event
    expect(() => orchestEvent({ type: 'project:exploded' })).toThrow(TypeError)
  })

  it('lists event keys in jsonb order (shorter first, then bytewise), as read back from PostgreSQL', () => {
    const parsed = JSON.parse(bodyText(orchestEvent({ type: 'project:one-off-job:pipeline-run:failed', seed: 2 })))
    expect(Object.keys(parsed.event)).toEqual(['type', 'uuid', 'project', 'timestamp'])
    expect(Object.keys(parsed.event.project)).toEqual(['job', 'name', 'uuid'])
    expect(Object.keys(parsed.event.project.job)).toEqual([
      'name',
      'uuid',
      'status',
      'url_path',
      'total_runs',
      'pipeline_run',
      'pipeline_name',
    ])
    expect(Object.keys(parsed.event.project.job.pipeline_run)).toEqual([
      'uuid',
      'number',
      'status',
      'url_path',
      'parameters',
      'failed_steps',
    ])
  })

  it('keyOrder: insertion keeps the generated order', () => {
    const parsed = JSON.parse(bodyText(orchestEvent({ type: 'project:created', seed: 2, keyOrder: 'insertion' })))
    expect(Object.keys(parsed.event)).toEqual(['uuid', 'type', 'timestamp', 'project'])
  })

  it('a failed one-off job pipeline run carries status FAILURE and the failed steps', () => {
    const { event } = JSON.parse(bodyText(orchestEvent({ type: 'project:one-off-job:pipeline-run:failed', seed: 3 })))
    const run = event.project.job.pipeline_run
    expect(run.status).toBe('FAILURE')
    expect(run.failed_steps).toHaveLength(1)
    expect(run.failed_steps[0]).toEqual({ uuid: expect.any(String), title: 'transform' })
    expect(run.parameters.pipeline_parameters).toEqual({ parameters: { date: '2023-11-14' } })
    expect(event.project.job.url_path).toBe(`/job?project_uuid=${event.project.uuid}&job_uuid=${event.project.job.uuid}`)
  })

  it('a cron-job run pipeline run nests job.run.pipeline_run with number_in_run', () => {
    const { event } = JSON.parse(bodyText(orchestEvent({ type: 'project:cron-job:run:pipeline-run:succeeded', seed: 4 })))
    expect(event.project.job.run.total_pipeline_runs).toBe(1)
    expect(event.project.job.run.pipeline_run.status).toBe('SUCCESS')
    expect(event.project.job.run.pipeline_run.number_in_run).toBe(0)
    expect(event.project.job.pipeline_run).toBeUndefined()
  })

  it('job updates nest the update twice, as Orchest does', () => {
    const { event } = JSON.parse(bodyText(orchestEvent({ type: 'project:cron-job:updated', seed: 5 })))
    expect(event.project.job.update.update.changes[0].type).toBe('UPDATED')
  })

  it('interactive pipeline runs hang under pipeline.session', () => {
    const { event } = JSON.parse(bodyText(orchestEvent({ type: 'project:pipeline:interactive-session:pipeline-run:started', seed: 6 })))
    expect(event.project.pipeline.session.pipeline_run.steps).toHaveLength(2)
    expect(event.project.pipeline.session.pipeline_run.url_path).toBe(
      `/pipeline?project_uuid=${event.project.uuid}&pipeline_uuid=${event.project.pipeline.uuid}`,
    )
  })

  it('environment image builds and jupyter builds have their documented nesting', () => {
    const env = JSON.parse(bodyText(orchestEvent({ type: 'project:environment:image-build:failed', seed: 7 }))).event
    expect(env.project.environment.image_build).toEqual({})
    const jupyter = JSON.parse(bodyText(orchestEvent({ type: 'jupyter:image-build:started', seed: 7 }))).event
    expect(jupyter.jupyter).toEqual({ image_build: {} })
    expect(jupyter.project).toBeUndefined()
  })

  it('event overrides merge into the nested event and undefined removes a key', () => {
    const d = orchestEvent({
      type: 'project:one-off-job:failed',
      seed: 8,
      projectName: 'Ünïcode',
      event: { project: { job: { name: 'Renamed', total_runs: undefined } } },
    })
    const text = bodyText(d)
    expect(text).toContain('"name": "\\u00dcn\\u00efcode"')
    const { event } = JSON.parse(text)
    expect(event.project.job.name).toBe('Renamed')
    expect(event.project.job).not.toHaveProperty('total_runs')
    expect(event.project.job.status).toBe('FAILURE')
  })
})

describe('orchestEvent() determinism', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('the same seed gives the same bytes and headers', () => {
    const a = orchestEvent({ type: 'project:cron-job:run:failed', seed: 'ci' })
    const b = orchestEvent({ type: 'project:cron-job:run:failed', seed: 'ci' })
    expect(bodyText(a)).toBe(bodyText(b))
    expect(a.headers).toEqual(b.headers)
  })

  it('different seeds give different delivery ids and bodies', () => {
    const a = orchestEvent({ seed: 'a' })
    const b = orchestEvent({ seed: 'b' })
    expect(a.deliveryId).not.toBe(b.deliveryId)
    expect(bodyText(a)).not.toBe(bodyText(b))
  })

  it('never calls Math.random, with or without a seed', () => {
    const spy = vi.spyOn(Math, 'random')
    orchestEvent({ type: 'project:one-off-job:pipeline-run:failed', seed: 9 })
    orchestEvent({ type: 'project:one-off-job:pipeline-run:failed' })
    expect(spy).not.toHaveBeenCalled()
  })

  it('without a seed two deliveries get different ids', () => {
    expect(orchestPing().deliveryId).not.toBe(orchestPing().deliveryId)
  })
})
