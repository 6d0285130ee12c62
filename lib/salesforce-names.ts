/**
 * The shapes of the names Salesforce takes, checked wherever a name or version reaches a URL or a
 * record: one definition, so the env vars, the SQS messages, the sources and the client agree.
 */

/**
 * A Salesforce API name (object or field): a letter, then letters, digits and underscores, at most
 * 80 characters, e.g. `Account`, `Ext_Id__c`. It also keeps `__proto__`, dots and spaces out.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/custom_objects_and_fields.htm
 */
export const SALESFORCE_API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/** A REST API version as it appears in `/services/data/vXX.X`, e.g. `66.0`. */
export const SALESFORCE_API_VERSION = /^\d{2,3}\.0$/;
