/** Help texts of the `astro-rx` command. */

export const MAIN_USAGE = `Usage: astro-rx <command> [options]

Commands:
  tail <topic…>    print a channel's live events (readable lines, or NDJSON with --json)
  emulator         run the offline gateway emulator, with an HTTP API to publish test events
  bridge           run a Redis Streams bridge worker (astro-rx/redis; needs ioredis)
  rooms            add, remove or list the bridge's desired subscriptions in Redis
  consume          read a bridged topic's stream in a consumer group, as NDJSON

Options:
  -h, --help       show this help (astro-rx <command> --help for a command's options)
  -V, --version    print the version

Examples:
  ASTRO_TOKEN=… astro-rx tail channel.activities channel.tips --room <channel id>
  astro-rx emulator --port 8080
  ASTRO_TOKEN_MAIN=… astro-rx bridge --redis redis://127.0.0.1:6379
`;

export const TAIL_USAGE = `Usage: astro-rx tail <topic…> [options]

Subscribes to every topic in every room and prints the events as they arrive.

The token is read from the environment variable ASTRO_TOKEN, or from a file
with --token-file. It is never accepted on the command line (--token), where
other users and your shell history would see it.

Options:
  -r, --room R        a room (channel id); repeat for several rooms
                      (default: $ASTRO_ROOM, else the global room "")
      --token-type T  jwt, oauth2 (or oauth) or apikey (default: $ASTRO_TOKEN_TYPE, else jwt)
      --token-file F  read the token from file F instead of ASTRO_TOKEN
      --url U         the gateway (default: $ASTRO_URL, else wss://astro.streamelements.com)
      --json          print NDJSON: one message frame per line ({id, ts, type, topic, room, data})
  -n, --count N       exit after N events
      --seconds N     exit after N seconds
  -h, --help          show this help

Progress and status go to stderr; events go to stdout.

Exit status: 0 done (Ctrl-C, --count, --seconds); 1 a fatal error; 2 the
gateway refused a subscription (err_unauthorized: a missing scope, or a token
for another channel); 64 bad arguments.

Examples:
  export ASTRO_TOKEN=…            # from the StreamElements dashboard
  astro-rx tail channel.activities channel.session.update --room 5f1e2d3c4b5a697887766554
  astro-rx tail channel.tips --room 5f1e… --json | jq .data.donation.amount
  astro-rx tail channel.activities --room demo --url ws://127.0.0.1:8080   # the emulator
`;

export const EMULATOR_USAGE = `Usage: astro-rx emulator [options]

Runs the offline Astro gateway emulator until Ctrl-C. It prints its WebSocket
URL, its HTTP API URL, a test token for channel "demo" and curl examples.

Options:
  -p, --port P        the port (default 0: any free port)
      --host H        a loopback address (default 127.0.0.1)
      --activity MS   publish random activities to room "demo", one every MS ms on average
      --seconds N     stop after N seconds
  -h, --help          show this help

HTTP API (loopback clients only):
  POST /publish  {"topic", "room", "data"}          → {"id", "delivered"}
  POST /token    {"channel", "scopes"?, "type"?}     → {"token"}
  POST /drain    a graceful handover (reconnect frames, then 1001 closes)
  GET  /stats    counters;  GET /connections  the live connections
`;

export const BRIDGE_USAGE = `Usage: astro-rx bridge --redis URL [options]

Runs a bridge worker until Ctrl-C: it serves its share of the desired set (see
astro-rx rooms) and appends every event to one Redis stream per topic. Start
several, on one machine or many; they share the keys and take over each
other's keys when one stops or dies. Ctrl-C hands this worker's keys over.

Tokens are never accepted on the command line. A desired key names a token
reference REF; the worker reads the token from the environment variable
ASTRO_TOKEN_<REF> (upper case, other characters as _), else from the file
DIR/REF with --token-dir DIR.

Options:
      --redis URL         redis:// or rediss:// (default: $ASTRO_REDIS_URL)
      --worker-id ID      this worker's id, unique among the live ones (default: <hostname>-<pid>)
      --token-dir DIR     read the token of reference REF from the file DIR/REF
      --url U             the gateway (default: $ASTRO_URL, else wss://astro.streamelements.com)
      --prefix P          the prefix of every Redis key (default: astro)
      --lease-ms N        how long a lease lasts without renewal (default: 10000)
      --buffer-size N     events held while Redis is away (default: 10000)
  -h, --help              show this help

Status lines go to stderr. Exit status: 0 stopped; 1 Redis unreachable at start; 64 bad arguments.

Example:
  export ASTRO_TOKEN_MAIN=…
  astro-rx rooms add --redis redis://127.0.0.1:6379 --topic channel.tips --room 5f1e… --token-ref main
  astro-rx bridge --redis redis://127.0.0.1:6379 --worker-id w1
`;

export const ROOMS_USAGE = `Usage: astro-rx rooms add|remove|list --redis URL [options]

Edits the bridge's desired set in Redis: which topic to subscribe in which
room, with which token reference (the token itself never goes to Redis).

Options:
      --redis URL         redis:// or rediss:// (default: $ASTRO_REDIS_URL)
      --topic T           the topic (add, remove)
      --room R            the room, a channel id; "" for the global room (add, remove)
      --token-ref REF     the token's reference (add, remove): letters, digits, _ . -
      --prefix P          the prefix of every Redis key (default: astro)
  -h, --help              show this help

list prints one JSON object a line: {"topic","room","tokenRef"}.

Examples:
  astro-rx rooms add --redis redis://127.0.0.1:6379 --topic channel.tips --room 5f1e… --token-ref main
  astro-rx rooms list --redis redis://127.0.0.1:6379
`;

export const CONSUME_USAGE = `Usage: astro-rx consume --redis URL --topic T --group G [options]

Reads a bridged topic's stream as a member of consumer group G (created when
missing) and prints each entry as one JSON line, then acknowledges it. Gap
markers come as {"type":"gap","topic","room","from","to","cause"}.

Options:
      --redis URL         redis:// or rediss:// (default: $ASTRO_REDIS_URL)
      --topic T           the topic
      --group G           the consumer group
      --consumer C        this consumer's name in the group (default: <hostname>-<pid>)
  -n, --count N           exit after N entries
      --prefix P          the prefix of every Redis key (default: astro)
  -h, --help              show this help

Example:
  astro-rx consume --redis redis://127.0.0.1:6379 --topic channel.tips --group billing | jq .data
`;
