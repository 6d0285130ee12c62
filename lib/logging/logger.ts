import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact.js';

/**
 * A Powertools Logger (structured JSON) whose every line passes through the redacting
 * replacer. Service name and level follow Powertools' own env vars (`POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_LOG_LEVEL`); `serviceName` here is only the default.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
    jsonReplacerFn: redactingReplacer,
  });
}
