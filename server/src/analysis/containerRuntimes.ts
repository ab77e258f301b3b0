/**
 * Which runtime a process belongs to, from what the host can read about it without running
 * anything: the cgroup paths in /proc/PID/cgroup, LXC's monitor process ("[lxc monitor] LXCPATH
 * NAME"), conmon's arguments (Podman), and names systemd escapes in unit names. Pure.
 */

import type { ContainerRuntime } from './containerModel';

/** What a cgroup path says about the container a process is in. */
export interface CgroupClaim {
  /** 'lxc-family' until the LXC monitor's path tells LXD, Incus and plain LXC apart. */
  readonly runtime: ContainerRuntime | 'lxc-family';
  /** The runtime's id: a container id, an LXC name, a machine name. */
  readonly id: string;
  readonly name?: string;
  /** Kubernetes: the pod's UID, with dashes. */
  readonly podUid?: string;
}

/** systemd's unit-name escaping: "\x2d" is "-". */
function unescapeUnitName(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const CONTAINER_ID = '[0-9a-f]{64}';

/** The cgroup paths of /proc/PID/cgroup ("ID:CONTROLLERS:PATH" per hierarchy; one "0::PATH" on cgroup v2). */
function cgroupPaths(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const second = line.indexOf(':', line.indexOf(':') + 1);
    return second < 0 ? [] : [line.slice(second + 1)];
  });
}

function claimFromPath(path: string): CgroupClaim | undefined {
  // Kubernetes first: its pods' containers also carry docker-, cri-containerd- or crio- scopes.
  const pod =
    /kubepods[^/]*\/(?:[^/]*\/)?(?:kubepods-[a-z]+-)?pod([0-9a-f_-]{36})(?:\.slice)?\/(?:(?:docker|cri-containerd|crio)-)?([0-9a-f]{64})/.exec(
      path,
    );
  if (pod) return { runtime: 'kubernetes', id: pod[2], podUid: pod[1].replace(/_/g, '-') };
  let m = new RegExp(`(?:^|/)docker[-/](${CONTAINER_ID})(?:\\.scope)?(?:/|$)`).exec(path);
  if (m) return { runtime: 'docker', id: m[1] };
  m = new RegExp(`(?:^|/)libpod-(${CONTAINER_ID})(?:\\.scope)?(?:/|$)`).exec(path);
  if (m) return { runtime: 'podman', id: m[1] };
  m = /(?:^|\/)lxc\.payload[.:]([^/]+)/.exec(path) ?? /^\/lxc\/([^/]+)/.exec(path);
  if (m) return { runtime: 'lxc-family', id: m[1], name: m[1] };
  m = /(?:^|\/)machine-([^/]+)\.scope(?:\/|$)/.exec(path);
  if (m) {
    const name = unescapeUnitName(m[1]);
    // libvirt's guests (qemu-N-NAME, lxc-N-NAME) share the slice: they are not nspawn machines.
    if (!/^(qemu|lxc)-\d+-/.test(name)) return { runtime: 'nspawn', id: name, name };
  }
  return undefined;
}

/** The runtime claim of a process's cgroups, if any path makes one. */
export function claimFromCgroup(text: string): CgroupClaim | undefined {
  for (const path of cgroupPaths(text)) {
    const claim = claimFromPath(path);
    if (claim) return claim;
  }
  return undefined;
}

/** "[lxc monitor] /var/lib/lxd/containers c1": the container's LXC path and name. */
export function parseLxcMonitor(commandLine: readonly string[]): { lxcPath: string; name: string } | undefined {
  const joined = commandLine.join(' ');
  const m = /^\[lxc monitor\]\s+(\S+)\s+(\S+)\s*$/.exec(joined);
  return m ? { lxcPath: m[1], name: m[2] } : undefined;
}

/** LXD and Incus keep their containers under their own directories; anything else is plain LXC. */
export function lxcFamilyRuntime(lxcPath: string): 'lxd' | 'incus' | 'lxc' {
  if (/(^|\/)lxd(\/|$)/.test(lxcPath)) return 'lxd';
  if (/(^|\/)incus(\/|$)/.test(lxcPath)) return 'incus';
  return 'lxc';
}

/** LXD and Incus name a container of a project other than "default" PROJECT_NAME on disk (instance names cannot hold "_"). */
export function lxdProjectAndName(diskName: string): { project: string; name: string } {
  const underscore = diskName.indexOf('_');
  return underscore < 0
    ? { project: 'default', name: diskName }
    : { project: diskName.slice(0, underscore), name: diskName.slice(underscore + 1) };
}

/** conmon's arguments: the container's name (-n/--name), id (-c/--cid) and bundle (-b/--bundle). */
export function parseConmon(commandLine: readonly string[]): { name?: string; id?: string; bundle?: string } {
  const value = (short: string, long: string): string | undefined => {
    for (let i = 0; i < commandLine.length; i++) {
      const a = commandLine[i];
      if (a === short || a === long) return commandLine[i + 1];
      if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
    }
    return undefined;
  };
  const name = value('-n', '--name');
  const id = value('-c', '--cid');
  const bundle = value('-b', '--bundle');
  return { ...(name ? { name } : {}), ...(id ? { id } : {}), ...(bundle ? { bundle } : {}) };
}

/** A bare namespace's name: its first process's command and PID, e.g. "sleep-4711". */
export function namespaceName(comm: string, pid: number): string {
  return `${comm.replace(/[^A-Za-z0-9._-]+/g, '_') || 'process'}-${pid}`;
}
