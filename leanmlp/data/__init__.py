"""The data: NIST's sources and their checksums, the download, idx parsing, labelled images and
the train/valid/test split. Independent of the network."""
