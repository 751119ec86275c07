import common from '@nestjs/common/package.json' with { type: 'json' }
import { AbstractHttpAdapter } from '@nestjs/core'
import core from '@nestjs/core/package.json' with { type: 'json' }
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { expect, inject, it } from 'vitest'

const major = (version: string) => Number(version.split('.')[0])

it('the @nestjs packages this project loads are the Nest major it names', () => {
  expect(major(core.version)).toBe(inject('nestMajor'))
  expect(major(common.version)).toBe(inject('nestMajor'))
})

it('both platform adapters extend the very @nestjs/core this project loads, not another copy', () => {
  // Nest's internal require('@nestjs/core') from a platform package: a second copy (what npm
  // aliases give) would make these adapters extend a different AbstractHttpAdapter
  expect(new ExpressAdapter()).toBeInstanceOf(AbstractHttpAdapter)
  expect(new FastifyAdapter()).toBeInstanceOf(AbstractHttpAdapter)
})
