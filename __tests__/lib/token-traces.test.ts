import { Lazy, Tokenization } from 'cdktf';

describe('the token-traces setup file', () => {
  it('keeps cdktf from recording where a token was created, and says how to record it', () => {
    const token = Tokenization.reverseString(Lazy.stringValue({ produce: () => 'value' })).firstToken;
    expect(token?.creationStack).toEqual(['(token creation stacks are not recorded in tests: run jest with TOKEN_TRACES=1 to record them)']);
  });
});
