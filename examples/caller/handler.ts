// A caller Lambda: it holds no Salesforce key. salesforce() puts a client on context.salesforce
// that asks the token vendor (TOKEN_VENDOR_FUNCTION, a name or ARN) for tokens.
import middy from '@middy/core';
import { salesforce, type SalesforceContext } from 'sf-lambda-bridge/middy';

/** An account to write, keyed by its external ID. */
export interface AccountInput {
  ref: string;
  name: string;
}

export interface AccountsEvent {
  accounts: AccountInput[];
}

export interface AccountsSummary {
  /** Accounts Salesforce accepted (created or updated). */
  upserted: number;
  /** The refs Salesforce refused, with its status code. */
  failed: { ref: string; statusCode: string }[];
  /** The accounts as read back from Salesforce, in external ID order. */
  accounts: { id: string; ref: string; name: string }[];
}

interface AccountRow {
  Id: string;
  Name: string;
  Ext_Id__c: string;
}

/** A SOQL string literal. */
const quote = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

async function upsertAndRead(event: AccountsEvent, context: SalesforceContext): Promise<AccountsSummary> {
  const records = event.accounts.map((account) => ({ Ext_Id__c: account.ref, Name: account.name }));
  // outcomes[i] belongs to records[i]; a refused record does not fail the others.
  const outcomes = await context.salesforce.upsert('Account', 'Ext_Id__c', records);
  const failed = outcomes.flatMap((outcome, i) =>
    outcome.ok ? [] : [{ ref: event.accounts[i]?.ref ?? '', statusCode: outcome.statusCode }],
  );

  const accounts: AccountsSummary['accounts'] = [];
  if (records.length > 0) {
    const refs = records.map((record) => quote(record.Ext_Id__c)).join(', ');
    const soql = `SELECT Id, Name, Ext_Id__c FROM Account WHERE Ext_Id__c IN (${refs}) ORDER BY Ext_Id__c`;
    for await (const row of context.salesforce.query<AccountRow>(soql)) {
      accounts.push({ id: row.Id, ref: row.Ext_Id__c, name: row.Name });
    }
  }
  return { upserted: outcomes.length - failed.length, failed, accounts };
}

export const handler = middy<AccountsEvent, AccountsSummary, Error, SalesforceContext>(upsertAndRead).use(
  salesforce(),
);
