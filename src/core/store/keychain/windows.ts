// Windows: Credential Manager, a generic credential per item, through PowerShell and a small P/Invoke of
// CredReadW/CredWriteW/CredDeleteW. The target name is keyring-rs's default, `{account}.{service}`, and the
// blob UTF-16LE, so what 0.1.0 wrote through @napi-rs/keyring is found again. The value crosses stdin in base64
// (the console's code page cannot garble it); the script itself holds no secret.
import { ToolRuns, toolFailure } from './tool.js';

/** The script's exit status for "no such credential" (ERROR_NOT_FOUND). */
const NOT_FOUND = 3;

/** A PowerShell single-quoted string: only the quote itself needs doubling. */
export function psString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** keyring-rs's default target name for a generic credential: `{user}.{service}`. */
export function targetName(service: string, account: string): string {
  return `${account}.${service}`;
}

const CREDENTIALS = `Add-Type -Namespace ConnectorSetup -Name Cred -MemberDefinition @'
[StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
public struct CREDENTIAL {
  public int Flags; public int Type; public string TargetName; public string Comment;
  public System.Runtime.InteropServices.ComTypes.FILETIME LastWritten;
  public int CredentialBlobSize; public IntPtr CredentialBlob; public int Persist;
  public int AttributeCount; public IntPtr Attributes; public string TargetAlias; public string UserName;
}
[DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)] public static extern bool CredReadW(string target, int type, int flags, out IntPtr credential);
[DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)] public static extern bool CredWriteW(ref CREDENTIAL credential, int flags);
[DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)] public static extern bool CredDeleteW(string target, int type, int flags);
[DllImport("advapi32.dll")] public static extern void CredFree(IntPtr credential);
'@
function Fail { $code = [Runtime.InteropServices.Marshal]::GetLastWin32Error(); if ($code -eq 1168) { exit ${NOT_FOUND} }; [Console]::Error.WriteLine("Win32 error $code"); exit 2 }
`;

/** The PowerShell script for one operation; the value for `set` is read from stdin, `get` prints it, both base64 of UTF-8. */
export function credentialScript(operation: 'get' | 'set' | 'delete', service: string, account: string): string {
  const target = psString(targetName(service, account));
  const steps = {
    // CRED_TYPE_GENERIC (1), CRED_PERSIST_ENTERPRISE (3): keyring-rs's choices, so the item roams as before.
    set: `$value = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadToEnd().Trim()))
$blob = [Text.Encoding]::Unicode.GetBytes($value)
$credential = New-Object ConnectorSetup.Cred+CREDENTIAL
$credential.Type = 1; $credential.Persist = 3; $credential.TargetName = ${target}; $credential.UserName = ${psString(account)}
$credential.CredentialBlobSize = $blob.Length
$credential.CredentialBlob = [Runtime.InteropServices.Marshal]::AllocHGlobal([Math]::Max(1, $blob.Length))
[Runtime.InteropServices.Marshal]::Copy($blob, 0, $credential.CredentialBlob, $blob.Length)
$written = [ConnectorSetup.Cred]::CredWriteW([ref]$credential, 0)
[Runtime.InteropServices.Marshal]::FreeHGlobal($credential.CredentialBlob)
if (-not $written) { Fail }`,
    get: `$pointer = [IntPtr]::Zero
if (-not [ConnectorSetup.Cred]::CredReadW(${target}, 1, 0, [ref]$pointer)) { Fail }
$credential = [Runtime.InteropServices.Marshal]::PtrToStructure($pointer, [type][ConnectorSetup.Cred+CREDENTIAL])
$blob = New-Object byte[] $credential.CredentialBlobSize
[Runtime.InteropServices.Marshal]::Copy($credential.CredentialBlob, $blob, 0, $blob.Length)
[ConnectorSetup.Cred]::CredFree($pointer)
[Console]::Out.Write([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes([Text.Encoding]::Unicode.GetString($blob))))`,
    delete: `if (-not [ConnectorSetup.Cred]::CredDeleteW(${target}, 1, 0)) { Fail }`,
  };
  return `$ErrorActionPreference = 'Stop'\n${CREDENTIALS}${steps[operation]}\n`;
}

/** powershell.exe's arguments for a script: -EncodedCommand (UTF-16LE base64) so no quoting rule applies. */
export function powershellArguments(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}

export class WindowsCredentials {
  private readonly powershell: ToolRuns;

  /** `env`: what powershell.exe runs with (the run's environment). */
  constructor(
    private readonly service: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.powershell = new ToolRuns('powershell.exe', env);
  }

  async get(account: string): Promise<string | null> {
    const answer = await this.powershell.run(powershellArguments(credentialScript('get', this.service, account)));
    if (answer.code === NOT_FOUND) return null;
    if (answer.code !== 0) throw toolFailure('Credential Manager read', answer);
    return Buffer.from(answer.stdout.trim(), 'base64').toString('utf8');
  }

  async set(account: string, password: string): Promise<void> {
    const answer = await this.powershell.run(powershellArguments(credentialScript('set', this.service, account)), Buffer.from(password, 'utf8').toString('base64'));
    // The script's own one-line report (a Win32 error number) or PowerShell's first line: neither holds the value.
    if (answer.code !== 0) throw toolFailure('Credential Manager write', answer);
  }

  async delete(account: string): Promise<boolean> {
    const answer = await this.powershell.run(powershellArguments(credentialScript('delete', this.service, account)));
    if (answer.code === NOT_FOUND) return false;
    if (answer.code !== 0) throw toolFailure('Credential Manager delete', answer);
    return true;
  }

  close(): void {
    this.powershell.endAll();
  }
}
