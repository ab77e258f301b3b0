{ ... }:
{
  environment.etc."gai.conf".text = ''
    label ::1/128 0
    label ::/0 1
    label fc00::/7 6
    precedence ::ffff:0:0/96 100 # IPv4 first
  '';
}
