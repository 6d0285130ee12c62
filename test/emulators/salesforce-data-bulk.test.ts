// Bulk API 2.0 ingest jobs over real HTTP: job lifecycle, CSV rules, results, errors and faults.
import { describe, expect, it } from 'vitest';
import type { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { call, login, sleep, startDataEmulator, useDataEmulator, V } from './salesforce-data-helpers.js';
import type { HttpResult } from './salesforce-helpers.js';

const JOBS = `${V}/jobs/ingest`;
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

let sf: SalesforceEmulator;
let token: string;

useDataEmulator(
  (emulator, accessToken) => {
    sf = emulator;
    token = accessToken;
  },
  { bulkProcessingMs: 30 },
);

interface JobInfo {
  id: string;
  state: string;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  errorMessage?: string;
  [key: string]: unknown;
}

async function createJob(spec: Record<string, unknown>): Promise<HttpResult> {
  return call(sf, 'POST', JOBS, { token, body: spec });
}

async function jobId(spec: Record<string, unknown>): Promise<string> {
  const result = await createJob(spec);
  expect(result.status, result.text).toBe(200);
  return (result.body as JobInfo).id;
}

async function upload(id: string, csv: string | Buffer, contentType = 'text/csv'): Promise<HttpResult> {
  return call(sf, 'PUT', `${JOBS}/${id}/batches`, { token, raw: csv, contentType });
}

async function setState(id: string, state: string): Promise<HttpResult> {
  return call(sf, 'PATCH', `${JOBS}/${id}`, { token, body: { state } });
}

async function info(id: string): Promise<JobInfo> {
  const result = await call(sf, 'GET', `${JOBS}/${id}`, { token });
  expect(result.status, result.text).toBe(200);
  return result.body as JobInfo;
}

/** Polls until the job leaves UploadComplete/InProgress; a job that never does fails by the test's timeout. */
async function waitDone(id: string): Promise<JobInfo> {
  for (;;) {
    const job = await info(id);
    if (!['UploadComplete', 'InProgress'].includes(job.state)) return job;
    await sleep(10);
  }
}

async function runJob(spec: Record<string, unknown>, csv: string): Promise<{ id: string; job: JobInfo }> {
  const id = await jobId(spec);
  expect((await upload(id, csv)).status).toBe(201);
  expect((await setState(id, 'UploadComplete')).status).toBe(200);
  return { id, job: await waitDone(id) };
}

async function results(
  id: string,
  kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords',
): Promise<string> {
  const result = await call(sf, 'GET', `${JOBS}/${id}/${kind}/`, { token });
  expect(result.status).toBe(200);
  expect(result.headers.get('content-type')).toBe('text/csv; charset=UTF-8');
  return result.text;
}

const UPSERT = {
  object: 'Account',
  operation: 'upsert',
  externalIdFieldName: 'Ext_Id__c',
  contentType: 'CSV',
  lineEnding: 'LF',
};

describe('ingest job lifecycle', () => {
  it('create, one upload, close, InProgress, JobComplete, with the documented JobInfo shapes', async () => {
    const created = await createJob(UPSERT);
    expect(created.status).toBe(200);
    const { id } = created.body as JobInfo;
    expect(id).toMatch(/^750[0-9A-Za-z]{15}$/);
    expect(created.body).toEqual({
      id,
      operation: 'upsert',
      object: 'Account',
      createdById: expect.stringMatching(/^005/) as unknown,
      createdDate: expect.stringMatching(DATE) as unknown,
      systemModstamp: expect.stringMatching(DATE) as unknown,
      state: 'Open',
      externalIdFieldName: 'Ext_Id__c',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62,
      contentUrl: `services/data/v62.0/jobs/ingest/${id}/batches`,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
    expect(await info(id)).toMatchObject({
      state: 'Open',
      contentUrl: `services/data/v62.0/jobs/ingest/${id}/batches`,
    });

    const put = await upload(id, 'Ext_Id__c,Name\nl-1,One\nl-2,Two\n');
    expect(put.status).toBe(201);
    expect(put.text).toBe('');

    sf.holdBulkJobs();
    const closed = await setState(id, 'UploadComplete');
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({
      id,
      operation: 'upsert',
      object: 'Account',
      createdById: expect.stringMatching(/^005/) as unknown,
      createdDate: expect.stringMatching(DATE) as unknown,
      systemModstamp: expect.stringMatching(DATE) as unknown,
      state: 'UploadComplete',
      externalIdFieldName: 'Ext_Id__c',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62,
    });
    const running = await info(id);
    expect(running).toMatchObject({ state: 'InProgress', numberRecordsProcessed: 0, numberRecordsFailed: 0 });
    expect(running.contentUrl).toBeUndefined();
    sf.releaseBulkJobs();

    const done = await waitDone(id);
    expect(done).toEqual({
      id,
      operation: 'upsert',
      object: 'Account',
      createdById: expect.stringMatching(/^005/) as unknown,
      createdDate: expect.stringMatching(DATE) as unknown,
      systemModstamp: expect.stringMatching(DATE) as unknown,
      state: 'JobComplete',
      externalIdFieldName: 'Ext_Id__c',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62,
      jobType: 'V2Ingest',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      numberRecordsProcessed: 2,
      numberRecordsFailed: 0,
      retries: 0,
      totalProcessingTime: expect.any(Number) as unknown,
      apiActiveProcessingTime: expect.any(Number) as unknown,
      apexProcessingTime: 0,
    });
    expect(sf.records('Account').map((r) => r.Name)).toEqual(['One', 'Two']);
    expect(sf.stats.requestsByRoute).toMatchObject({
      'bulk.createJob': 1,
      'bulk.upload': 1,
      'bulk.closeJob': 1,
    });
    expect(sf.stats.requestsByRoute['bulk.jobInfo']).toBeGreaterThanOrEqual(3);
  });

  it('refuses a second upload to the same job with Salesforce\'s "Found multipe contents" error', async () => {
    const id = await jobId(UPSERT);
    expect((await upload(id, 'Ext_Id__c,Name\na,A\n')).status).toBe(201);
    const second = await upload(id, 'Ext_Id__c,Name\nb,B\n');
    expect(second.status).toBe(400);
    expect(second.body).toEqual([
      {
        message: `Found multipe contents for job: <${id.slice(0, 15)}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
        errorCode: 'BULK_API_ERROR',
      },
    ]);
    await setState(id, 'UploadComplete');
    await waitDone(id);
    expect(sf.records('Account').map((r) => r.Ext_Id__c)).toEqual(['a']);
  });

  it('aborts: nothing processed, every row unprocessed, no more uploads', async () => {
    const id = await jobId(UPSERT);
    await upload(id, 'Ext_Id__c,Name\na,A\nb,"B, Inc."\n');
    const aborted = await setState(id, 'Aborted');
    expect(aborted.status).toBe(200);
    expect((aborted.body as JobInfo).state).toBe('Aborted');
    // A job closed after the abort runs to completion: had the aborted one been queued, it would have run first.
    expect((await runJob(UPSERT, 'Ext_Id__c,Name\nafter,After\n')).job.state).toBe('JobComplete');
    expect(await info(id)).toMatchObject({ state: 'Aborted', numberRecordsProcessed: 0 });
    expect(await results(id, 'unprocessedrecords')).toBe('Ext_Id__c,Name\n"a","A"\n"b","B, Inc."\n');
    expect(await results(id, 'successfulResults')).toBe('"sf__Id","sf__Created",Ext_Id__c,Name\n');
    expect(sf.findRecord('Account', 'Ext_Id__c', 'a')).toBeUndefined();
    expect(sf.findRecord('Account', 'Ext_Id__c', 'b')).toBeUndefined();

    const emptyJob = await jobId(UPSERT);
    await setState(emptyJob, 'Aborted');
    const late = await upload(emptyJob, 'Ext_Id__c,Name\na,A\n');
    expect(late.status).toBe(400);
    expect((late.body as { errorCode: string }[])[0]?.errorCode).toBe('INVALIDJOBSTATE');
  });

  it('refuses invalid state changes', async () => {
    const id = await jobId(UPSERT);
    const bogus = await setState(id, 'Closed');
    expect(bogus.status).toBe(400);
    expect(bogus.body).toEqual([
      { message: "Invalid value: 'Closed' supplied for property: 'state'", errorCode: 'API_ERROR' },
    ]);
    await upload(id, 'Ext_Id__c,Name\na,A\n');
    await setState(id, 'UploadComplete');
    const twice = await setState(id, 'UploadComplete');
    expect(twice.status).toBe(400);
    expect((twice.body as { errorCode: string }[])[0]?.errorCode).toBe('INVALIDJOBSTATE');
    await waitDone(id);
    const abortDone = await setState(id, 'Aborted');
    expect(abortDone.status).toBe(400);
    expect(abortDone.body).toEqual([
      {
        message: 'InvalidJobState : Invalid job state transition from JobComplete to Aborted',
        errorCode: 'INVALIDJOBSTATE',
      },
    ]);
  });

  it('deletes finished jobs (204; then 404), not open ones; lists jobs', async () => {
    const open = await jobId(UPSERT);
    const { id: done } = await runJob(UPSERT, 'Ext_Id__c,Name\nd,D\n');
    const list = await call(sf, 'GET', JOBS, { token });
    expect(list.status).toBe(200);
    const listed = list.body as { done: boolean; records: JobInfo[] };
    expect(listed.done).toBe(true);
    expect(listed.records.map((job) => job.id)).toEqual(expect.arrayContaining([open, done]));

    const refused = await call(sf, 'DELETE', `${JOBS}/${open}`, { token });
    expect(refused.status).toBe(400);
    expect((refused.body as { errorCode: string }[])[0]?.errorCode).toBe('INVALIDJOBSTATE');
    const deleted = await call(sf, 'DELETE', `${JOBS}/${done}`, { token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await call(sf, 'GET', `${JOBS}/${done}`, { token });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const unknown = await call(sf, 'GET', `${JOBS}/750000000000000AAA/successfulResults/`, { token });
    expect(unknown.status).toBe(404);
  });

  it('stays InProgress for bulkProcessingMs', async () => {
    const slow = await startDataEmulator({ bulkProcessingMs: 400 });
    try {
      const slowToken = await login(slow);
      const created = await call(slow, 'POST', JOBS, { token: slowToken, body: UPSERT });
      const { id } = created.body as JobInfo;
      await call(slow, 'PUT', `${JOBS}/${id}/batches`, {
        token: slowToken,
        raw: 'Ext_Id__c,Name\na,A\n',
        contentType: 'text/csv',
      });
      // Held: the job is InProgress and nothing is written, for as long as the test looks.
      slow.holdBulkJobs();
      await call(slow, 'PATCH', `${JOBS}/${id}`, { token: slowToken, body: { state: 'UploadComplete' } });
      const running = (await call(slow, 'GET', `${JOBS}/${id}`, { token: slowToken })).body as JobInfo;
      expect(running.state).toBe('InProgress');
      expect(slow.records('Account')).toHaveLength(0);
      // Released: processed bulkProcessingMs later, not before.
      const released = performance.now();
      slow.releaseBulkJobs();
      let job: JobInfo;
      do {
        await sleep(20);
        job = (await call(slow, 'GET', `${JOBS}/${id}`, { token: slowToken })).body as JobInfo;
      } while (job.state === 'InProgress');
      expect(performance.now() - released).toBeGreaterThanOrEqual(390);
      expect(job.state).toBe('JobComplete');
      expect(slow.records('Account')).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});

describe('CSV data and results', () => {
  it('parses RFC 4180 CSV; #N/A sets null, an empty value leaves the field unchanged', async () => {
    const existing = sf.insertRecord('Account', {
      Name: 'Existing',
      Ext_Id__c: 'r-2',
      Phone: '555',
      Description: 'keep',
    });
    const csv = [
      'Ext_Id__c,Name,Description,Phone,AnnualRevenue',
      'r-1,"Acme, Inc.","He said ""hi""",,1.5e3',
      'r-2,,"line one',
      'line two",#N/A,',
      'r-3,Third,,#N/A,#N/A',
      '',
    ].join('\n');
    const { id, job } = await runJob(UPSERT, csv);
    expect(job).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 3, numberRecordsFailed: 0 });
    const r1 = sf.findRecord('Account', 'Ext_Id__c', 'r-1');
    const r3 = sf.findRecord('Account', 'Ext_Id__c', 'r-3');
    expect(r1).toMatchObject({
      Name: 'Acme, Inc.',
      Description: 'He said "hi"',
      Phone: null,
      AnnualRevenue: 1500,
    });
    expect(sf.findRecord('Account', 'Id', existing)).toMatchObject({
      Name: 'Existing',
      Description: 'line one\nline two',
      Phone: null,
    });
    expect(r3).toMatchObject({ Name: 'Third', Description: null, Phone: null, AnnualRevenue: null });
    expect(await results(id, 'successfulResults')).toBe(
      [
        '"sf__Id","sf__Created",Ext_Id__c,Name,Description,Phone,AnnualRevenue',
        `"${String(r1?.Id)}","true","r-1","Acme, Inc.","He said ""hi""","","1.5e3"`,
        `"${existing}","false","r-2","","line one\nline two","#N/A",""`,
        `"${String(r3?.Id)}","true","r-3","Third","","#N/A","#N/A"`,
        '',
      ].join('\n'),
    );
    expect(await results(id, 'failedResults')).toBe(
      '"sf__Id","sf__Error",Ext_Id__c,Name,Description,Phone,AnnualRevenue\n',
    );
    expect(await results(id, 'unprocessedrecords')).toBe('Ext_Id__c,Name,Description,Phone,AnnualRevenue\n');
    expect(sf.stats.requestsByRoute).toMatchObject({
      'bulk.successfulResults': 1,
      'bulk.failedResults': 1,
      'bulk.unprocessedRecords': 1,
    });
  });

  it('reports failed rows in failedResults with sf__Error "CODE:message:fields --"', async () => {
    const existing = sf.insertRecord('Account', { Name: 'Has name', Ext_Id__c: 'keep' });
    const csv = [
      'Ext_Id__c,Name,NumberOfEmployees,Email__c',
      'ok,Fine,1,ok@example.com',
      'no-name,,2,',
      ',Keyless,3,',
      'typed,Typed,many,',
      'mail,Mail,4,nope',
      'dup,First,5,',
      'DUP,Second,6,',
      'keep,#N/A,7,',
      'short,Short',
      '',
    ].join('\n');
    const { id, job } = await runJob(UPSERT, csv);
    expect(job).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 9, numberRecordsFailed: 8 });
    expect(await results(id, 'failedResults')).toBe(
      [
        '"sf__Id","sf__Error",Ext_Id__c,Name,NumberOfEmployees,Email__c',
        '"","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","no-name","","2",""',
        '"","MISSING_ARGUMENT:Ext_Id__c not specified:--","","Keyless","3",""',
        '"","INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: value not of required type: many:NumberOfEmployees --","typed","Typed","many",""',
        '"","INVALID_EMAIL_ADDRESS:Email: invalid email address: nope:Email__c --","mail","Mail","4","nope"',
        '"","DUPLICATE_VALUE:Duplicate external id specified: dup:Ext_Id__c --","dup","First","5",""',
        '"","DUPLICATE_VALUE:Duplicate external id specified: dup:Ext_Id__c --","DUP","Second","6",""',
        `"${existing}","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","keep","#N/A","7",""`,
        '"","INVALID_FIELD:Number of fields in header is different from the row. header = 4 row = 2:--","","","",""',
        '',
      ].join('\n'),
    );
    expect(sf.records('Account').map((r) => r.Ext_Id__c)).toEqual(['keep', 'ok']);
    expect(sf.findRecord('Account', 'Id', existing)).toMatchObject({ Name: 'Has name' });
  });

  it('insert, update and delete jobs', async () => {
    const { id: insertJob } = await runJob(
      { object: 'Contact', operation: 'insert' },
      'LastName,FirstName,Email\nDoe,Jane,jane@example.com\nRoe,,\n',
    );
    const [jane, roe] = sf.records('Contact');
    expect(await results(insertJob, 'successfulResults')).toBe(
      `"sf__Id","sf__Created",LastName,FirstName,Email\n"${String(jane?.Id)}","true","Doe","Jane","jane@example.com"\n"${String(roe?.Id)}","true","Roe","",""\n`,
    );

    const { id: updateJob, job: updated } = await runJob(
      { object: 'Contact', operation: 'update' },
      `Id,FirstName,Email\n${String(jane?.Id)},,#N/A\n${String(roe?.Id).slice(0, 15)},Richard,\n001000000000001AAA,X,\n`,
    );
    expect(updated).toMatchObject({ numberRecordsProcessed: 3, numberRecordsFailed: 1 });
    expect(sf.findRecord('Contact', 'Id', jane?.Id)).toMatchObject({ FirstName: 'Jane', Email: null });
    expect(sf.findRecord('Contact', 'Id', roe?.Id)).toMatchObject({ FirstName: 'Richard', LastName: 'Roe' });
    expect(await results(updateJob, 'failedResults')).toBe(
      '"sf__Id","sf__Error",Id,FirstName,Email\n"","MALFORMED_ID:Contact ID: id value of incorrect type: 001000000000001AAA:Id --","001000000000001AAA","X",""\n',
    );

    const { id: deleteJob, job: deleted } = await runJob(
      { object: 'Contact', operation: 'delete' },
      `Id\n${String(jane?.Id)}\n${String(jane?.Id)}\n`,
    );
    expect(deleted).toMatchObject({ numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    expect(sf.records('Contact').map((r) => r.Id)).toEqual([roe?.Id]);
    expect(await results(deleteJob, 'successfulResults')).toBe(
      `"sf__Id","sf__Created",Id\n"${String(jane?.Id)}","false","${String(jane?.Id)}"\n`,
    );
    expect(await results(deleteJob, 'failedResults')).toBe(
      `"sf__Id","sf__Error",Id\n"","ENTITY_IS_DELETED:entity is deleted:--","${String(jane?.Id)}"\n`,
    );
  });

  it('honours CRLF line endings and other column delimiters, in the data and in the results', async () => {
    const { id, job } = await runJob(
      { ...UPSERT, lineEnding: 'CRLF', columnDelimiter: 'PIPE' },
      'Ext_Id__c|Name\r\np-1|"Pipe | Co"\r\np-2|"Multi\r\nLine"\r\n',
    );
    expect(job).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 2,
      lineEnding: 'CRLF',
      columnDelimiter: 'PIPE',
    });
    expect(sf.findRecord('Account', 'Ext_Id__c', 'p-1')).toMatchObject({ Name: 'Pipe | Co' });
    expect(sf.findRecord('Account', 'Ext_Id__c', 'p-2')).toMatchObject({ Name: 'Multi\r\nLine' });
    const [p1, p2] = sf.records('Account');
    expect(await results(id, 'successfulResults')).toBe(
      `"sf__Id"|"sf__Created"|Ext_Id__c|Name\r\n"${String(p1?.Id)}"|"true"|"p-1"|"Pipe | Co"\r\n"${String(p2?.Id)}"|"true"|"p-2"|"Multi\r\nLine"\r\n`,
    );
    const { job: tabs } = await runJob(
      { ...UPSERT, columnDelimiter: 'TAB' },
      'Ext_Id__c\tName\nt-1\tTabbed\n',
    );
    expect(tabs.state).toBe('JobComplete');
    expect(sf.findRecord('Account', 'Ext_Id__c', 't-1')).toMatchObject({ Name: 'Tabbed' });
  });

  it('fails a job whose line endings do not match its lineEnding', async () => {
    const { id, job } = await runJob(UPSERT, 'Ext_Id__c,Name\r\na,A\r\n');
    expect(job).toMatchObject({
      state: 'Failed',
      errorMessage: 'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF',
      numberRecordsProcessed: 0,
    });
    expect(await results(id, 'successfulResults')).toBe('"sf__Id","sf__Created"\n');
    const { job: crlf } = await runJob({ ...UPSERT, lineEnding: 'CRLF' }, 'Ext_Id__c,Name\na,A\n');
    expect(crlf.errorMessage).toBe(
      'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF',
    );
    expect(sf.records('Account')).toHaveLength(0);
  });

  it('fails a job with an unknown column; its rows are unprocessed', async () => {
    const { id, job } = await runJob(UPSERT, 'Ext_Id__c,Name,Foo__c\na,A,1\nb,B,2\n');
    expect(job).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : Field name not found : Foo__c',
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
    });
    expect(await results(id, 'unprocessedrecords')).toBe('Ext_Id__c,Name,Foo__c\n"a","A","1"\n"b","B","2"\n');
    expect(await results(id, 'failedResults')).toBe('"sf__Id","sf__Error",Ext_Id__c,Name,Foo__c\n');
    expect(sf.records('Account')).toHaveLength(0);
  });

  it('fails a job whose data is not valid CSV, or that has no data', async () => {
    const { job: unclosed } = await runJob(UPSERT, 'Ext_Id__c,Name\na,"unterminated\n');
    expect(unclosed.state).toBe('Failed');
    expect(unclosed.errorMessage).toMatch(/^InvalidBatch : Failed to parse CSV: /);
    const { job: spaced } = await runJob(UPSERT, 'Ext_Id__c,Name\na, "Smith"\n');
    expect(spaced.state).toBe('Failed');

    const id = await jobId(UPSERT);
    await setState(id, 'UploadComplete');
    expect(await waitDone(id)).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : Unable to find any data to create batch',
    });
  });

  // Volume only; how fast the emulator is belongs in `npm run bench`, not in a test.
  it('upserts 20,000 rows in one job', async () => {
    const lines = ['Ext_Id__c,Name,AnnualRevenue,Active__c'];
    for (let i = 0; i < 20_000; i++)
      lines.push(`big-${i},Name ${i},${i}.5,${i % 2 === 0 ? 'true' : 'false'}`);
    const { id, job } = await runJob(UPSERT, `${lines.join('\n')}\n`);
    expect(job).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 20_000,
      numberRecordsFailed: 0,
    });
    const csv = await results(id, 'successfulResults');
    expect(csv.split('\n')).toHaveLength(20_002);
    expect(sf.records('Account')).toHaveLength(20_000);
    expect(sf.findRecord('Account', 'Ext_Id__c', 'big-19999')).toMatchObject({
      AnnualRevenue: 19999.5,
      Active__c: false,
    });

    // The same keys again: every row is an update.
    const again = await runJob(UPSERT, `${lines.slice(0, 1001).join('\n')}\n`);
    expect(again.job.numberRecordsProcessed).toBe(1000);
    expect((await results(again.id, 'successfulResults')).match(/"false","big-/g)).toHaveLength(1000);
    expect(sf.records('Account')).toHaveLength(20_000);
  });
});

describe('job creation and upload errors', () => {
  const expectError = (result: HttpResult, message: string, errorCode: string): void => {
    expect(result.status, result.text).toBe(400);
    expect(result.body).toEqual([{ message, errorCode }]);
  };

  it('validates operation, contentType, lineEnding and columnDelimiter', async () => {
    expectError(
      await createJob({ object: 'Account', operation: '' }),
      "Invalid value: '' supplied for property: 'operation'",
      'API_ERROR',
    );
    expectError(
      await createJob({ object: 'Account', operation: 'merge' }),
      "Invalid value: 'merge' supplied for property: 'operation'",
      'API_ERROR',
    );
    expectError(
      await createJob({ object: 'Account', operation: 'insert', contentType: 'JSON' }),
      "Invalid value: 'JSON' supplied for property: 'contentType'",
      'API_ERROR',
    );
    expectError(
      await createJob({ object: 'Account', operation: 'insert', lineEnding: 'CR' }),
      "Invalid value: 'CR' supplied for property: 'lineEnding'",
      'API_ERROR',
    );
    expectError(
      await createJob({ object: 'Account', operation: 'insert', columnDelimiter: 'COLON' }),
      "Invalid value: 'COLON' supplied for property: 'columnDelimiter'",
      'API_ERROR',
    );
  });

  it('validates the object and the external ID field of an upsert', async () => {
    expectError(
      await createJob({ object: 'Nope__c', operation: 'insert' }),
      'InvalidJob : Unable to find object: Nope__c',
      'INVALIDJOB',
    );
    expectError(
      await createJob({ object: 'Account', operation: 'upsert' }),
      'InvalidJob : External ID was blank for Account. An External ID must be specified for upsert.',
      'INVALIDJOB',
    );
    expectError(
      await createJob({ object: 'Account', operation: 'upsert', externalIdFieldName: 'Name' }),
      'InvalidJob : Field name provided, name does not match an External ID, Salesforce Id, or indexed field for Account',
      'INVALIDJOB',
    );
    expectError(
      await createJob({ object: 'Account', operation: 'upsert', externalIdFieldName: '' }),
      'InvalidJob : Field name provided,  does not match an External ID for Account',
      'INVALIDJOB',
    );
    const byId = await createJob({ object: 'Account', operation: 'upsert', externalIdFieldName: 'Id' });
    expect(byId.status).toBe(200);
  });

  it('upsert by Id: a blank Id creates, an Id updates', async () => {
    const existing = sf.insertRecord('Account', { Name: 'Old' });
    const { job } = await runJob(
      { object: 'Account', operation: 'upsert', externalIdFieldName: 'Id' },
      `Id,Name\n${existing},Renamed\n,Created\n`,
    );
    expect(job).toMatchObject({ numberRecordsProcessed: 2, numberRecordsFailed: 0 });
    expect(sf.records('Account').map((r) => r.Name)).toEqual(['Renamed', 'Created']);
  });

  it('uploads must be text/csv and at most 150 MB after base64 encoding', async () => {
    const id = await jobId(UPSERT);
    const json = await upload(id, '{"a":1}', 'application/json');
    expect(json.status).toBe(415);
    expect(json.body).toEqual([{ message: 'Unsupported Media Type', errorCode: 'UNSUPPORTED_MEDIA_TYPE' }]);
    // 150 MiB of base64 is 117,964,800 bytes of data; one more block of 3 goes over.
    const tooBig = Buffer.alloc(117_964_803, 0x61);
    const refused = await upload(id, tooBig);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual([
      {
        message:
          'The upload is 157286404 bytes after base64 encoding; a job takes at most 157286400 (150 MB). Upload at most 100 MB of CSV per job.',
        errorCode: 'BULK_API_ERROR',
      },
    ]);
    const justFits = await upload(id, tooBig.subarray(0, 117_964_800));
    expect(justFits.status).toBe(201);
  });

  it('needs API v41.0', async () => {
    const old = await call(sf, 'POST', '/services/data/v40.0/jobs/ingest', { token, body: UPSERT });
    expect(old.status).toBe(404);
  });
});

describe('bulk faults', () => {
  it('Failed: the next closed job fails with the given (or default) errorMessage, nothing written', async () => {
    sf.injectBulkFault({ outcome: 'Failed', errorMessage: 'InvalidBatch : simulated' });
    const { id, job } = await runJob(UPSERT, 'Ext_Id__c,Name\na,A\n');
    expect(job).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : simulated',
      numberRecordsProcessed: 0,
    });
    expect(await results(id, 'unprocessedrecords')).toBe('Ext_Id__c,Name\n"a","A"\n');
    expect(sf.records('Account')).toHaveLength(0);

    sf.injectBulkFault({ outcome: 'Failed' });
    const { job: second } = await runJob(UPSERT, 'Ext_Id__c,Name\nb,B\n');
    expect(second.errorMessage).toBe('Unknown : Exception with unknown cause occurred.');

    const { job: healthy } = await runJob(UPSERT, 'Ext_Id__c,Name\nc,C\n');
    expect(healthy.state).toBe('JobComplete');
  });

  it('Failed after N rows: the first rows are processed (written or failed), the rest unprocessed', async () => {
    sf.injectBulkFault({ outcome: 'Failed', errorMessage: 'InvalidBatch : simulated', afterRows: 2 });
    // Row 2 has no Name: processed, and failed with Salesforce's own reason.
    const { id, job } = await runJob(UPSERT, 'Ext_Id__c,Name\np1,P1\np2,\np3,P3\np4,P4\n');
    expect(job).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : simulated',
      numberRecordsProcessed: 2,
      numberRecordsFailed: 1,
    });
    expect(await results(id, 'successfulResults')).toMatch(
      /^"sf__Id","sf__Created",Ext_Id__c,Name\n"001\w+","true","p1","P1"\n$/,
    );
    expect(await results(id, 'failedResults')).toMatch(
      /^"sf__Id","sf__Error",Ext_Id__c,Name\n"","REQUIRED_FIELD_MISSING:[^"]*","p2",""\n$/,
    );
    expect(await results(id, 'unprocessedrecords')).toBe('Ext_Id__c,Name\n"p3","P3"\n"p4","P4"\n');
    expect(sf.records('Account').map((r) => r.Ext_Id__c)).toEqual(['p1']);
  });

  it('Aborted after N rows: the job ends Aborted with its processed rows written', async () => {
    sf.injectBulkFault({ outcome: 'Aborted', afterRows: 1 });
    const { id, job } = await runJob(UPSERT, 'Ext_Id__c,Name\nq1,Q1\nq2,Q2\n');
    expect(job).toMatchObject({ state: 'Aborted', numberRecordsProcessed: 1, numberRecordsFailed: 0 });
    expect(await results(id, 'unprocessedrecords')).toBe('Ext_Id__c,Name\n"q2","Q2"\n');
    expect(sf.records('Account').map((r) => r.Ext_Id__c)).toEqual(['q1']);
  });

  it('NeverCompletes: the next closed job stays InProgress; later jobs complete', async () => {
    const openFirst = await jobId(UPSERT);
    sf.injectBulkFault({ outcome: 'NeverCompletes' });
    const stuck = await jobId(UPSERT);
    await upload(stuck, 'Ext_Id__c,Name\ns,S\n');
    await setState(stuck, 'UploadComplete');
    // The fault belongs to the next job closed, not to the next job created.
    const { job: other } = await runJob(UPSERT, 'Ext_Id__c,Name\no,O\n');
    expect(other.state).toBe('JobComplete');
    // `stuck` was closed before `other` with the same processing time: had it been scheduled, it would be done.
    expect((await info(stuck)).state).toBe('InProgress');
    expect((await info(openFirst)).state).toBe('Open');
    expect(sf.findRecord('Account', 'Ext_Id__c', 's')).toBeUndefined();
    expect((await setState(stuck, 'Aborted')).status).toBe(200);
  });
});
