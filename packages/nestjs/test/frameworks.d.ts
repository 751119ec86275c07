// what vitest.config.ts / vitest.nest11.config.ts provide to the tests
declare module 'vitest' {
  export interface ProvidedContext {
    nestMajor: number
  }
}

export {}
