/**
 * The Standard Schema v1 interface (https://standardschema.dev), restated here as its authors
 * recommend so that core keeps zero dependencies: zod, valibot, arktype and every other library
 * that implements `~standard` fit it, and none of them is imported.
 *
 * @example
 * import { z } from 'zod'
 * const schema: StandardSchemaV1<unknown, { id: string }> = z.object({ id: z.string() })
 * const result = await schema['~standard'].validate({ id: 1 })
 * if (result.issues) console.log(result.issues.map((i) => i.path))
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1.Props<Input, Output>
}

/** The members of {@link StandardSchemaV1}, as published in `@standard-schema/spec` 1.x. */
export declare namespace StandardSchemaV1 {
  /**
   * The `~standard` property: version, vendor, `validate` and the phantom `types`.
   *
   * @example
   * const props: StandardSchemaV1.Props = schema['~standard']
   */
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1
    readonly vendor: string
    /** May answer synchronously or with a Promise (async refinements). */
    readonly validate: (value: unknown, options?: Options | undefined) => Result<Output> | Promise<Result<Output>>
    readonly types?: Types<Input, Output> | undefined
  }
  /** @example const r: StandardSchemaV1.Result<string> = { value: 'ok' } */
  type Result<Output> = SuccessResult<Output> | FailureResult
  /** @example const ok: StandardSchemaV1.SuccessResult<number> = { value: 1 } */
  interface SuccessResult<Output> {
    readonly value: Output
    readonly issues?: undefined
  }
  /** @example const options: StandardSchemaV1.Options = { libraryOptions: {} } */
  interface Options {
    readonly libraryOptions?: Record<string, unknown> | undefined
  }
  /** @example const failed: StandardSchemaV1.FailureResult = { issues: [{ message: 'Required', path: ['id'] }] } */
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>
  }
  /** @example const issue: StandardSchemaV1.Issue = { message: 'Expected string', path: ['event', { key: 'type' }] } */
  interface Issue {
    readonly message: string
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined
  }
  /** @example const segment: StandardSchemaV1.PathSegment = { key: 'type' } */
  interface PathSegment {
    readonly key: PropertyKey
  }
  /** @example type T = StandardSchemaV1.Types<unknown, { id: string }>['output'] */
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input
    readonly output: Output
  }
  /** @example type In = StandardSchemaV1.InferInput<typeof schema> */
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['input']
  /** @example type Out = StandardSchemaV1.InferOutput<typeof schema> */
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output']
}
