// express4 is an npm alias of express@4; its API is what @types/express describes for both majors
declare module 'express4' {
  import express from 'express'
  export default express
}
