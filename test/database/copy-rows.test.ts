import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CopyRows, copyText } from '../../src/database/copy-rows.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';

// COPY … FROM STDIN is the server's: the embedded database takes the rows by INSERT.
describeOnServer('rows sent by COPY', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  it('arrive as written: any text, lines long and short, past the first buffer and growing it many times', async () => {
    const texts = [
      'دير الزور',
      'tab\there, a new line\nand a return\r, a backslash \\ and \\N',
      '👩🏽‍⚕️ أربعة بايتات',
      '',
      // Longer than the buffer the rows start with, in three-byte characters.
      'اغتيال '.repeat(20_000),
      ...Array.from({ length: 3000 }, (_, index) => `row ${index} في ريف دير الزور الشرقي`),
    ];
    const client = await db.pool.connect();
    try {
      await client.query('CREATE TABLE copied (n int, text text)');
      const copy = new CopyRows();
      texts.forEach((text, index) => copy.add(`${index}\t${copyText(text)}`));
      copy.add(`${texts.length}\t\\N`);
      await copy.send(client, 'COPY copied (n, text) FROM STDIN');

      const { rows } = await client.query('SELECT n, text FROM copied ORDER BY n');
      expect(rows).toEqual([...texts.map((text, n) => ({ n, text })), { n: texts.length, text: null }]);
    } finally {
      client.release();
    }
  });
});
