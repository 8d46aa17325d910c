-- The seed's "Consumer Application Restart": a real-time push that gives up when its consumer
-- stalls for TimeoutRing and is restarted from the current time, instead of catching up.
-- Keep the space at the end of "--ring-timeout-exit ", as the seed says.
local Config = {}

Config.TimeoutRing = 5*60e9
Config.Target      = {}

table.insert(Config.Target,
{
    Desc        = "pcap-realtime",
    Mode        = "File",
    Path        = "/tmp/pushcap-examples/remote0/push/realtime",
    Split       = "--split-time 60e9",
    FileName    = "--filename-epoch-sec-startend",
    StreamCat   = "--ring-timeout-exit ",
    FollowStart = false,
})

return Config
