{ config, lib, pkgs, ... }:
{
  networking.hostName = "builder";

  # Prefer IPv4: the uplink's IPv6 is flaky.
  networking.getaddrinfo = {
    reload = false;
    precedence = {
      "::1/128" = 50;
      "::/0" = 40;
      "2002::/16" = 30;
      "::/96" = 20;
      "::ffff:0:0/96" = 100;
    };
    label = lib.mkForce {
      "::1/128" = 0;
      "::/0" = 1;
      "fc00::/7" = 1;
      "::ffff:0:0/96" = 4;
    };
  };
}
