// koa2 is an npm alias of koa@2; its API is what @types/koa describes for both majors
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
