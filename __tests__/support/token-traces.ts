// cdktf records where each of its tokens was created: a stack trace with no limit on its depth,
// which jest maps through source maps. Those traces only decorate cdktf's own resolution errors
// ("Object creation stack"), yet they were the largest share of a synthesis's CPU under jest (over a
// fifth of the policy matrix's, even kept to ten frames formatted without source maps). So tests
// record none: a resolution error still fails its test with cdktf's message and the error's own
// mapped trace (the synth that met the token), and says where the creation stack would be.
// TOKEN_TRACES=1 keeps cdktf's traces, to see where a token was made.
//
// Replaced on the module's exports, which cdktf reads at each call: this works under jest's own
// module registry (integration) and under jest-light-runner's shared one (unit) alike.
import * as stackTrace from 'cdktf/lib/tokens/private/stack-trace';

if (process.env.TOKEN_TRACES === undefined) {
  const notRecorded = Object.freeze(['(token creation stacks are not recorded in tests: run jest with TOKEN_TRACES=1 to record them)']);
  (stackTrace as { captureStackTrace: () => readonly string[] }).captureStackTrace = () => notRecorded;
}
