// Where the D-Bus session bus is, as libdbus and zbus find it: the address the session exports, else the socket
// systemd's user manager puts in the runtime directory (SSH sessions often have only that).
import { existsSync } from 'node:fs';
import path from 'node:path';

export function sessionBusAddress(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DBUS_SESSION_BUS_ADDRESS) return env.DBUS_SESSION_BUS_ADDRESS;
  const socket = env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'bus') : undefined;
  return socket && existsSync(socket) ? `unix:path=${socket}` : undefined;
}

export const NO_SESSION_BUS = 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and $XDG_RUNTIME_DIR/bus does not exist';
