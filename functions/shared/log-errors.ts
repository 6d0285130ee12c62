import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';

/**
 * Logs the error a handler failed with, as one ERROR line through the redacting logger, and
 * lets it propagate so Lambda still reports the invocation failed. Powertools'
 * `injectLambdaContext` does not log errors itself. `.use()` it after `injectLambdaContext`:
 * middy runs `onError` in reverse order, so the line still carries the invocation's context.
 */
export function logErrors(logger: Pick<Logger, 'error'>, message: string): MiddlewareObj {
  return {
    onError: (request) => {
      if (request.error) logger.error(message, request.error);
    },
  };
}
