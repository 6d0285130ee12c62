import { Logger } from '@aws-lambda-powertools/logger';
import { readPowertoolsEnv } from '../../lib/env.js';
import { redactingReplacer } from '../../lib/logging/redact.js';

/**
 * A Powertools Logger (structured JSON) whose every line passes through the redacting
 * replacer. `POWERTOOLS_SERVICE_NAME` overrides `serviceName`; the level follows
 * `POWERTOOLS_LOG_LEVEL`, which Powertools reads itself.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({
    serviceName: readPowertoolsEnv().serviceName ?? serviceName,
    jsonReplacerFn: redactingReplacer,
  });
}
