/** gai.conf texts that several suites use: the common intents written out in full. */

export const RFC3484_LABEL_ROWS =
  'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\n';

export const FULL_PREFER_IPV4 =
  'precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\nprecedence ::/96 20\nprecedence ::ffff:0:0/96 100\n';

export const RFC6724_TABLE = [
  'precedence ::1/128 50',
  'precedence ::/0 40',
  'precedence ::ffff:0:0/96 35',
  'precedence 2002::/16 30',
  'precedence 2001::/32 5',
  'precedence fc00::/7 3',
  'precedence ::/96 1',
  'precedence fec0::/10 1',
  'precedence 3ffe::/16 1',
  'label ::1/128 0',
  'label ::/0 1',
  'label ::ffff:0:0/96 4',
  'label 2002::/16 2',
  'label 2001::/32 5',
  'label fc00::/7 13',
  'label ::/96 3',
  'label fec0::/10 11',
  'label 3ffe::/16 12',
  '',
].join('\n');
