-- The seed's "Push to MAGPACK over FTP" (Mode CURL: pushcap speaks FTP itself).
-- The FTP server is on localhost; ScriptNew runs after each published file (here it logs it).
local Config = {}

Config.Target = {}

table.insert(Config.Target,
{
        Desc            = "magpack-all",
        Mode            = "CURL",
        Path            = "ftp://127.0.0.1:2121/device-prefix",
        Split           = "--split-byte 1e9",
        FileName        = "--filename-tstr-HHMMSS_SUB",
        FilterBPF       = "not (host 192.168.1.105 or host 192.168.1.102)",
        Chunked         = true,
        FollowStart     = true,
        ScriptNew       = "logger -t push-magpack-all new split"
})

return Config
