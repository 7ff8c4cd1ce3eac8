import * as E from 'fp-ts/Either';
import { ClientCommand, encodeCommand } from '../../lib/protocol/commands';
import { decodeFrame, decodePayload } from '../../lib/protocol/decodeWithCodecs';
import { TOPICS, isKnownTopic } from '../../lib/protocol/topics';
import { fixtureShape, loadFixtures } from '../helpers/fixtures';

const fixtures = loadFixtures();
const frames = fixtures.filter((f) => fixtureShape(f) === 'frame');
const commands = fixtures.filter((f) => fixtureShape(f) === 'command');
const dataOnly = fixtures.filter((f) => fixtureShape(f) === 'data');
const current = (name: string) => !name.startsWith('historical/');

describe('documented fixtures', () => {
  it('covers every kind of example', () => {
    expect(frames.length).toBeGreaterThan(30);
    expect(commands.length).toBeGreaterThanOrEqual(6);
    expect(dataOnly.length).toBeGreaterThan(10);
  });

  it.each(frames.map((f) => [f.name, f] as const))('decodes frame %s', (_name, f) => {
    const result = decodeFrame(f.text);
    expect(E.isRight(result)).toBe(true);
    if (E.isRight(result)) expect(result.right.type).toBe((f.value as { type: string }).type.toLowerCase());
  });

  it.each(frames.filter((f) => current(f.name) && (f.value as { type: string }).type === 'message').map((f) => [f.name, f] as const))(
    'validates the payload of current message %s',
    (_name, f) => {
      const result = decodeFrame(f.text, { validatePayloads: true });
      if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
      expect(result.right.type).toBe('message');
    },
  );

  it.each(commands.map((f) => [f.name, f] as const))('decodes and round-trips command %s', (_name, f) => {
    const decoded = ClientCommand.decode(f.value);
    if (E.isLeft(decoded)) throw new Error(`${f.name} did not decode`);
    const encoded = encodeCommand(decoded.right);
    expect(JSON.parse(encoded)).toEqual(f.value);
    expect(ClientCommand.decode(JSON.parse(encoded))).toEqual(decoded);
  });

  it.each(dataOnly.filter((f) => current(f.name)).map((f) => [f.name, f] as const))('decodes the payload snippet %s in its topic', (name, f) => {
    const base = name.split('/').pop() ?? name;
    const topic = base.replace(/-\d+-.*$/, '');
    expect(isKnownTopic(topic)).toBe(true);
    const frame = decodeFrame(JSON.stringify({ type: 'message', topic, room: 'r', data: f.value }), { validatePayloads: true });
    expect(E.isRight(frame)).toBe(true);
  });

  it('reports a payload that does not match its topic without losing the envelope', () => {
    const raw = JSON.stringify({ id: '01', type: 'message', topic: 'channel.tips', room: 'r', data: { donation: { amount: 'lots' } } });
    const result = decodeFrame(raw, { validatePayloads: true });
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result) && result.left._tag === 'PayloadMismatch') {
      expect(result.left.frame).toMatchObject({ id: '01', topic: 'channel.tips', room: 'r' });
      expect(result.left.report.join('\n')).toContain('amount');
    } else {
      throw new Error('expected a PayloadMismatch');
    }
  });

  it('passes the payload of a topic without documented payload through', () => {
    const frame = { type: 'message' as const, topic: 'channel.chatstats', data: { counts: [1, 2] } };
    expect(decodePayload(frame)).toEqual(E.right(frame));
    expect(TOPICS['channel.chatstats'].undocumentedPayload).toBe(true);
  });
});
