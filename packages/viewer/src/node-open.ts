import { spawn } from "node:child_process";

/** The command that hands a URL to the desktop's browser on this platform. */
function opener(url: string): [string, string[]] {
  if (process.platform === "darwin") return ["open", [url]];
  // `start` is a cmd.exe builtin; its first quoted argument is a window title, hence the empty one.
  if (process.platform === "win32") return ["cmd", ["/c", "start", '""', url]];
  return ["xdg-open", [url]];
}

/**
 * Starts the platform's opener on `url` and says whether it started. A machine without one (a server, a container)
 * is normal for visualize(), so a missing opener resolves false instead of failing.
 */
export function openUrl(url: string): Promise<boolean> {
  const [cmd, args] = opener(url);
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { stdio: "ignore", detached: true, env: process.env });
    } catch {
      return resolve(false);
    }
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
