/** Help texts of the `astro-rx` command. */

export const MAIN_USAGE = `Usage: astro-rx <command> [options]

Commands:
  tail <topic…>    print a channel's live events (readable lines, or NDJSON with --json)
  emulator         run the offline gateway emulator, with an HTTP API to publish test events

Options:
  -h, --help       show this help (astro-rx <command> --help for a command's options)
  -V, --version    print the version

Examples:
  ASTRO_TOKEN=… astro-rx tail channel.activities channel.tips --room <channel id>
  astro-rx emulator --port 8080
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
