-- The seed's "Push to NFS/CIFS Share 1GB splits". As in the seed, this example names a gzip file
-- suffix but sets no compressor (pushcap keeps that: the files are plain pcap), and writes the
-- suffix without its dot: it is appended verbatim (capture_20210524_185100pcap.gz). pushcap's
-- check prints a note about both. etc/push_pcap_eod.lua shows the intended form.
local Config = {}

Config.Target = {}

-- push everything to /tmp/pushcap-examples/remote0/push/capture*.pcap.gz at 1GB splits
table.insert(Config.Target, 
{
    Desc      = "capture", 
    Mode      = "File", 
    Path      = "/tmp/pushcap-examples/remote0/push/capture",   
    Split     = "--split-size 1e9", 
    FileName  = "--filename-tstr-HHMMSS",
    FileSuffix = "pcap.gz", 
    FilterBPF = "" 
})

return Config
