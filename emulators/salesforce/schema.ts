// The emulated org's data model: sObjects and their fields, as an admin defines them in Setup.
// Names are matched case-insensitively everywhere (Salesforce API names are), and always reported
// back in their defined spelling.

export type FieldType =
  'string' | 'textarea' | 'email' | 'phone' | 'double' | 'int' | 'boolean' | 'date' | 'datetime';

export interface FieldDef {
  type: FieldType;
  /** Maximum length of string-like fields. Defaults: string 255, textarea 32000, email 80, phone 40. */
  length?: number;
  /** Required on create; an explicit null on update is refused too. */
  required?: boolean;
  /** Usable as the key of an upsert (string, email, int and double fields only). */
  externalId?: boolean;
  /** No two records may share a value (case-insensitively for text, Salesforce's default). */
  unique?: boolean;
  /**
   * Text keys compare exactly: Setup's "Treat "ABC" and "abc" as different values (case
   * sensitive)". Upserts then match "ABC" and "abc" to two records; by default they are one
   * ("Custom field matching is case-insensitive only if the custom field has the Unique and Treat
   * "ABC" and "abc" as duplicate values (case insensitive) attributes",
   * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_dml_examples_upsert.htm).
   */
  caseSensitive?: boolean;
  /**
   * The field label, used in error messages the way Salesforce does (`Account Name: data value too
   * large: …`). Default: the API name without `__c`, underscores as spaces.
   */
  label?: string;
}

export interface SObjectDefinition {
  fields: Record<string, FieldDef>;
  /**
   * Three-character record ID prefix. Default: the real prefix for well-known standard objects
   * (001 Account, 003 Contact, 00Q Lead, 006 Opportunity, 500 Case), else a00, a01, … in order.
   */
  keyPrefix?: string;
}

export interface FieldSchema {
  name: string;
  label: string;
  /** `id` only for the implicit, read-only Id field. */
  type: FieldType | 'id';
  length: number | undefined;
  required: boolean;
  externalId: boolean;
  unique: boolean;
  caseSensitive: boolean;
}

export interface SObjectSchema {
  name: string;
  keyPrefix: string;
  /** In definition order, Id first. */
  fields: readonly FieldSchema[];
  field(name: string): FieldSchema | undefined;
}

const FIELD_TYPES: ReadonlySet<string> = new Set([
  'string',
  'textarea',
  'email',
  'phone',
  'double',
  'int',
  'boolean',
  'date',
  'datetime',
]);

/** Long text areas go up to 131,072 characters in Salesforce. */
const MAX_LENGTH: Partial<Record<FieldType, number>> = {
  string: 255,
  textarea: 131_072,
  email: 80,
  phone: 40,
};
const DEFAULT_LENGTH: Partial<Record<FieldType, number>> = {
  string: 255,
  textarea: 32_000,
  email: 80,
  phone: 40,
};
const KEYABLE_TYPES: ReadonlySet<FieldType> = new Set(['string', 'email', 'int', 'double']);

const STANDARD_PREFIXES: Readonly<Record<string, string>> = {
  account: '001',
  contact: '003',
  opportunity: '006',
  lead: '00Q',
  case: '500',
};

/** The org every emulator starts with. */
const DEFAULT_SOBJECTS: Readonly<Record<string, SObjectDefinition>> = {
  Account: {
    fields: {
      Name: { type: 'string', length: 255, required: true, label: 'Account Name' },
      Ext_Id__c: { type: 'string', length: 255, externalId: true, unique: true },
      Email__c: { type: 'email', label: 'Email' },
      Phone: { type: 'phone', length: 40, label: 'Account Phone' },
      Description: { type: 'textarea', length: 32_000, label: 'Account Description' },
      AnnualRevenue: { type: 'double', label: 'Annual Revenue' },
      NumberOfEmployees: { type: 'int', label: 'Employees' },
      Active__c: { type: 'boolean', label: 'Active' },
    },
  },
  Contact: {
    fields: {
      LastName: { type: 'string', length: 80, required: true, label: 'Last Name' },
      FirstName: { type: 'string', length: 40, label: 'First Name' },
      Email: { type: 'email', label: 'Email' },
      Ext_Id__c: { type: 'string', length: 255, externalId: true, unique: true },
    },
  },
};

export class OrgSchema {
  readonly #objects = new Map<string, SObjectSchema>();
  #customPrefixes = 0;

  constructor(definitions: Readonly<Record<string, SObjectDefinition>> = DEFAULT_SOBJECTS) {
    for (const [name, definition] of Object.entries(definitions)) this.define(name, definition);
  }

  /** Adds or replaces an sObject. Throws on a definition Salesforce Setup would refuse. */
  define(name: string, definition: SObjectDefinition): SObjectSchema {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid sObject name: ${name}`);
    const previous = this.#objects.get(name.toLowerCase());
    const keyPrefix = definition.keyPrefix ?? previous?.keyPrefix ?? this.#prefixFor(name);
    if (!/^[0-9A-Za-z]{3}$/.test(keyPrefix)) throw new Error(`keyPrefix must be 3 characters: ${keyPrefix}`);
    for (const other of this.#objects.values()) {
      if (other.keyPrefix === keyPrefix && other.name.toLowerCase() !== name.toLowerCase()) {
        throw new Error(`keyPrefix ${keyPrefix} is already used by ${other.name}`);
      }
    }
    const defs = { ...definition.fields };
    // Custom objects always have a Name field (Text(80)), like a new object in Setup.
    if (name.endsWith('__c') && !Object.keys(defs).some((f) => f.toLowerCase() === 'name')) {
      defs.Name = { type: 'string', length: 80, required: true, label: `${labelOf(name)} Name` };
    }
    const fields: FieldSchema[] = [
      {
        name: 'Id',
        label: `${labelOf(name)} ID`,
        type: 'id',
        length: 18,
        required: false,
        externalId: false,
        unique: true,
        caseSensitive: true,
      },
    ];
    for (const [fieldName, def] of Object.entries(defs)) fields.push(fieldSchema(name, fieldName, def));
    const byName = new Map(fields.map((field) => [field.name.toLowerCase(), field]));
    if (byName.size !== fields.length)
      throw new Error(`${name}: field names must be unique (Id is implicit)`);
    const exact = new Map(fields.map((field) => [field.name, field]));
    const schema: SObjectSchema = {
      name,
      keyPrefix,
      fields,
      field: (fieldName) => exact.get(fieldName) ?? byName.get(fieldName.toLowerCase()),
    };
    this.#objects.set(name.toLowerCase(), schema);
    return schema;
  }

  get(name: string): SObjectSchema | undefined {
    return this.#objects.get(name.toLowerCase());
  }

  /** The schema, or an Error naming the unknown sObject (for the test inspection API). */
  require(name: string): SObjectSchema {
    const schema = this.get(name);
    if (!schema) throw new Error(`no sObject ${name} is defined`);
    return schema;
  }

  #prefixFor(name: string): string {
    const standard = STANDARD_PREFIXES[name.toLowerCase()];
    if (standard) return standard;
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    for (;;) {
      const n = this.#customPrefixes++;
      const prefix = `a${alphabet.charAt(Math.floor(n / alphabet.length))}${alphabet.charAt(n % alphabet.length)}`;
      if (![...this.#objects.values()].some((other) => other.keyPrefix === prefix)) return prefix;
    }
  }
}

function fieldSchema(sobject: string, name: string, def: FieldDef): FieldSchema {
  const where = `${sobject}.${name}`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid field name: ${where}`);
  if (!FIELD_TYPES.has(def.type)) throw new Error(`${where}: unknown field type ${def.type}`);
  const max = MAX_LENGTH[def.type];
  if (def.length !== undefined) {
    if (max === undefined) throw new Error(`${where}: length applies to text fields only`);
    if (!Number.isInteger(def.length) || def.length < 1 || def.length > max) {
      throw new Error(`${where}: length must be 1..${max}`);
    }
  }
  if ((def.externalId || def.unique) && !KEYABLE_TYPES.has(def.type)) {
    throw new Error(`${where}: only string, email, int and double fields can be external IDs or unique`);
  }
  return {
    name,
    label: def.label ?? labelOf(name),
    type: def.type,
    length: def.length ?? DEFAULT_LENGTH[def.type],
    required: def.required ?? false,
    externalId: def.externalId ?? false,
    unique: def.unique ?? false,
    caseSensitive: def.caseSensitive ?? false,
  };
}

function labelOf(apiName: string): string {
  return apiName.replace(/__c$/, '').replace(/_/g, ' ');
}

/** Fields whose values are text (and so compare case-insensitively in keys and SOQL). */
export function isTextType(type: FieldSchema['type']): boolean {
  return type === 'string' || type === 'textarea' || type === 'email' || type === 'phone' || type === 'id';
}
