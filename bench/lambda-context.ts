import type { Context } from 'aws-lambda';

let invocation = 0;

/** A Lambda context with the fields handlers and Powertools read, its deadline `timeoutMs` from now. */
export function lambdaContext(functionName = 'bench', timeoutMs = 60_000): Context {
  invocation += 1;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `bench-${invocation}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as Context;
}
