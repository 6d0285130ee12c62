/**
 * `sf-lambda-bridge/testing`: the strict local emulators this package is tested against,
 * started in-process on 127.0.0.1, so a team tests its own Lambdas without an org or an AWS
 * account. {@link SalesforceEmulator} (OAuth token endpoint and REST API),
 * {@link SecretsManagerEmulator} and {@link LambdaEmulator} (the AWS wire protocols, for the real
 * AWS SDK clients), {@link S3Emulator} (a real S3-protocol server, s3rver, for sync sources), and
 * {@link startLocalStack}, which wires Salesforce and Secrets Manager (and S3, with `s3: true`)
 * together with a key pair, two connected apps and their credential secrets.
 *
 * For tests only: never import it from code that deploys. Key generation ({@link generateKeyMaterial},
 * {@link startLocalStack}) needs the optional peer dependencies `@peculiar/x509` and `reflect-metadata`;
 * {@link S3Emulator} needs `@20minutes/s3rver`.
 *
 * @example
 * ```ts
 * import { startLocalStack } from 'sf-lambda-bridge/testing';
 * import { afterAll, beforeAll, expect, it } from 'vitest';
 *
 * let stack: Awaited<ReturnType<typeof startLocalStack>>;
 * beforeAll(async () => {
 *   stack = await startLocalStack();
 *   Object.assign(process.env, stack.env);
 * });
 * afterAll(() => stack.close());
 *
 * it('writes the account', async () => {
 *   await handler(event, context);
 *   expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'A-1')).toBeDefined();
 * });
 * ```
 *
 * @packageDocumentation
 */

export {
  LOCAL_CC_CLIENT_ID,
  LOCAL_CC_SECRET_ID,
  LOCAL_JWT_CLIENT_ID,
  LOCAL_JWT_SECRET_ID,
  LOCAL_USERNAME,
  startLocalStack,
  type LocalStack,
  type LocalStackOptions,
} from '../emulators/local-stack/stack.js';
export {
  generateKeyMaterial,
  type KeyMaterial,
  type KeyMaterialOptions,
} from '../emulators/local-stack/key-material.js';
export {
  SALESFORCE_ROUTE_NAMES,
  SalesforceEmulator,
  type BulkFault,
  type ConnectedAppConfig,
  type FieldDef,
  type FieldType,
  type LoginFlow,
  type OAuthErrorBody,
  type PermittedUsersPolicy,
  type SalesforceEmulatorOptions,
  type SalesforceFault,
  type SalesforceRouteName,
  type SalesforceStats,
  type SObjectDefinition,
  type TokenResponse,
  type UserConfig,
} from '../emulators/salesforce/salesforce-emulator.js';
export {
  SecretsManagerEmulator,
  type SecretsManagerEmulatorOptions,
  type SecretsManagerFault,
} from '../emulators/secrets-manager/secrets-manager-emulator.js';
export {
  LambdaEmulator,
  type LambdaEmulatorOptions,
  type LambdaFault,
  type LambdaFaultType,
  type LambdaHandler,
  type RegisterOptions,
} from '../emulators/lambda/lambda-emulator.js';
export { S3Emulator, type PutObjectOptions, type S3EmulatorOptions } from '../emulators/s3/s3-emulator.js';
