import { describe, expect, it } from 'vitest';
import { normaliseLoginUrl } from '../../lib/auth/login-url.js';

describe('normaliseLoginUrl', () => {
  it.each([
    ['https://login.salesforce.com', 'https://login.salesforce.com'],
    ['https://acme.my.salesforce.com/', 'https://acme.my.salesforce.com'],
    ['https://site.force.com/customers/', 'https://site.force.com/customers'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:4010/', 'http://localhost:4010'],
    ['http://[::1]:4010', 'http://[::1]:4010'],
  ])('accepts %s', (raw, url) => {
    expect(normaliseLoginUrl(raw)).toEqual({ url });
  });

  it.each([
    ['http://login.salesforce.com', /must use https/],
    ['http://10.0.0.5:8080', /loopback/],
    ['ftp://login.salesforce.com', /must use https/],
    ['acme.my.salesforce.com', /absolute URL/],
    ['https://user:pw@login.salesforce.com', /credentials/],
    ['https://login.salesforce.com/?x=1', /query string/],
  ])('refuses %s', (raw, problem) => {
    const result = normaliseLoginUrl(raw);
    expect(result).toHaveProperty('problem');
    expect((result as { problem: string }).problem).toMatch(problem);
    expect((result as { problem: string }).problem).not.toContain(raw);
  });
});
