import type { SQSEvent, SQSRecord } from 'aws-lambda';

let sequence = 0;

/** An SQS event as Lambda delivers it; `groupId` makes it a FIFO queue's event. */
export function sqsEvent(
  bodies: readonly (string | object)[],
  options: { groupId?: (index: number) => string } = {},
): SQSEvent {
  const queue = options.groupId ? 'sync-queue.fifo' : 'sync-queue';
  return {
    Records: bodies.map((body, index): SQSRecord => {
      sequence += 1;
      const groupId = options.groupId?.(index);
      return {
        messageId: `msg-${sequence}`,
        receiptHandle: `rh-${sequence}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDALOCAL',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
          ...(groupId
            ? {
                MessageGroupId: groupId,
                MessageDeduplicationId: `dedup-${sequence}`,
                SequenceNumber: String(sequence),
              }
            : {}),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:eu-west-1:000000000000:${queue}`,
        awsRegion: 'eu-west-1',
      };
    }),
  };
}

/** Account records with external IDs `${prefix}-0`, `${prefix}-1`, ... */
export function accounts(count: number, prefix: string, extra: (i: number) => object = () => ({})) {
  return Array.from({ length: count }, (_, i) => ({
    record: { Ext_Id__c: `${prefix}-${i}`, Name: `Account ${prefix} ${i}`, ...extra(i) },
  }));
}
