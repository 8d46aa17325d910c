-- The seed's "Push to NFS Share with BPF Filter and 1 minute PCAPs".
local Config = {}

Config.Target = {}

-- push all tcp data to /tmp/pushcap-examples/remote0/push/tcp*.pcap
table.insert(Config.Target, 
{
    Desc      = "nfs-tcp", 
    Mode      = "File", 
    Path      = "/tmp/pushcap-examples/remote0/push/tcp",   
    Split     = "--split-time 60e9", 
    FileName  = "--filename-epoch-sec-startend", 
    FilterBPF = "net 192.168.1.0/24 and tcp" 
})

return Config
