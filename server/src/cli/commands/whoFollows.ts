import { whoFollowsText } from '../../features/whoFollows';
import { whoFollowsThisMachine } from '../../system/whoFollows';
import { Output, ParsedArguments, UsageError } from '../arguments';

export function whoFollows(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 0) throw new UsageError('who-follows reads the live /etc/gai.conf and takes no file');
  const report = whoFollowsThisMachine();
  output.out(args.json ? JSON.stringify(report, null, 2) : whoFollowsText(report).trimEnd());
  return 0;
}
