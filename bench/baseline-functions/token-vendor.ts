// The baseline token function: the token kept in a module variable.
import { createBaselineContext, type BaselineToken } from './salesforce.js';

const context = createBaselineContext();

export function handler(): Promise<BaselineToken> {
  return context.getToken();
}
