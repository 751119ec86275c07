// fastify4 is an npm alias of fastify@4; the calls the tests make are typed alike in both majors
declare module 'fastify4' {
  import fastify from 'fastify'
  export default fastify
}
