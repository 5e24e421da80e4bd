import { get } from 'node:http';

/** GET / on 127.0.0.1:port with a fresh connection; the JSON body the test services answer with. */
export function httpGet(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
    }).on('error', reject);
  });
}
