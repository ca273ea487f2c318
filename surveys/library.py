def install_standard(publish=True):
    return []
