// The adapter suite's routes: each request goes to the withWebhook route the test process built
// for it (test/suite-fixture.ts), so one build serves every configuration the suite asks for.
export const dynamic = 'force-dynamic'

function dispatch(request, context) {
  const suite = globalThis.__hookproofSuite
  if (suite === undefined) return new Response('no suite registered in this process', { status: 404 })
  return suite.dispatch(request, context)
}

export { dispatch as DELETE, dispatch as GET, dispatch as PATCH, dispatch as POST, dispatch as PUT }
