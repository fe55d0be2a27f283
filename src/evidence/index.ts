/** Evidence of recoverability: the record format written by the Lambda handlers and read by `lifeboat report`. */
export * from './record';
