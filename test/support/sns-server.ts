import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
}

/**
 * A local stand-in for SNS's Publish action, spoken the way @aws-sdk/client-sns speaks it (the AWS Query
 * protocol: a form-encoded POST, an XML answer), so the dlq function is tested through the real client.
 */
export async function startSnsServer(): Promise<{ url: string; published: PublishedMessage[]; stop(): Promise<void> }> {
  const published: PublishedMessage[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      if (form.get('Action') !== 'Publish' || !form.get('TopicArn')) {
        res
          .writeHead(400, { 'content-type': 'text/xml' })
          .end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>unsupported</Message></Error></ErrorResponse>',
          );
        return;
      }
      published.push({
        topicArn: form.get('TopicArn')!,
        ...(form.get('Subject') ? { subject: form.get('Subject')! } : {}),
        message: form.get('Message') ?? '',
      });
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published,
    stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
