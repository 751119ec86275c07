// The part of autocannon's API the bench uses (the package ships no types).
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string
      path?: string
      body?: string | Buffer
      headers?: Record<string, string>
      setupRequest?: (req: Request, context: unknown) => Request
    }
    interface Options {
      url: string
      connections?: number
      duration?: number
      requests?: Request[]
      /** Requests per second over all connections (bench/fixed-rate.ts); unset: as fast as the server answers. */
      overallRate?: number
    }
    interface Histogram {
      average: number
      total: number
      p50: number
      p99: number
    }
    interface Result {
      requests: Histogram
      latency: Histogram
      duration: number
      errors: number
      timeouts: number
      non2xx: number
    }
    interface Instance extends PromiseLike<Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance
  export default autocannon
}
