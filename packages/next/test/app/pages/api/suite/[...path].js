// The adapter suite's Pages Router routes (see app/[...path]/route.js): the test process rewrote
// the URL to reach this file and kept the original in x-hookproof-url.
export const config = { api: { bodyParser: false } }

export default function dispatch(req, res) {
  const suite = globalThis.__hookproofSuite
  if (suite === undefined) {
    res.statusCode = 404
    return res.end('no suite registered in this process')
  }
  return suite.dispatchApi(req, res)
}
