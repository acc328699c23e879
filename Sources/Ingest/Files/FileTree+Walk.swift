#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FileTree {
  /// The recursive listing of a folder: the folders of one depth listed in parallel, then every
  /// file and skipped name put in depth-first order (names sorted bytewise, a folder's entries
  /// where its name sorts), the order a one-thread depth-first walk gives. A folder that cannot
  /// be read throws the error the depth-first walk would meet first.
  struct Walk: Sendable {
    let pattern: PathPattern?
    let rootName: String

    /// A folder to list: its path, its path inside the root (`components` for a pattern,
    /// `prefix` ending in `/`), its `key=value` names, and the folders on the way down to it
    /// (itself included) by device and inode, for loops.
    private struct Folder: Sendable {
      var path: String
      var components: [[UInt8]]
      var prefix: String
      var partitions: [Partition]
      var onPath: [Identity]
    }

    private struct Identity: Sendable, Equatable {
      var device: UInt64
      var inode: UInt64
    }

    /// One entry of a folder's listing, in its place.
    private enum Item: Sendable {
      case file(File)
      case skipped(Skipped)
      /// A folder found (to be listed at the next depth).
      case found(Folder)
      /// That folder, once numbered: its index in `listings`.
      case folder(Int)
    }

    /// A folder's entries, and the error that stopped its listing after them, if any.
    private struct Listing: Sendable {
      var items: [Item] = []
      var error: IngestError? = nil
    }

    /// Lists `folder` (the root, whose status is `info`) on up to `threads` threads.
    func list(folder: String, info: stat, threads: Int) throws(IngestError) -> ([File], [Skipped]) {
      var listings: [Listing] = []
      var level = [
        Folder(
          path: folder, components: [], prefix: "", partitions: [],
          onPath: [Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))])
      ]
      while !level.isEmpty {
        let base = listings.count
        var listed = listAll(level, threads: threads)
        // Number the folders found, in order: they are the next depth.
        var next: [Folder] = []
        for k in listed.indices {
          for j in listed[k].items.indices {
            guard case .found(let child) = listed[k].items[j] else { continue }
            listed[k].items[j] = .folder(base + level.count + next.count)
            next.append(child)
          }
        }
        listings += listed
        level = next
      }
      var files: [File] = []
      var skipped: [Skipped] = []
      func emit(_ index: Int) throws(IngestError) {
        for item in listings[index].items {
          switch item {
          case .file(let file): files.append(file)
          case .skipped(let skip): skipped.append(skip)
          case .folder(let inner): try emit(inner)
          case .found: preconditionFailure("every folder found is numbered")
          }
        }
        if let error = listings[index].error { throw error }
      }
      try emit(0)
      return (files, skipped)
    }

    /// The listings of `folders`, in order, on up to `threads` threads: one folder a task, or the
    /// names of a single folder (the root of 8,760 hourly folders) statted on the threads.
    private func listAll(_ folders: [Folder], threads: Int) -> [Listing] {
      guard folders.count > 1 else { return folders.map { listing($0, threads: threads) } }
      return folders.mapInOrder(threads: threads, chunk: 1) { listing($0, threads: 1) }
    }

    /// One folder's entries: files (statted), skipped names and the folders under it.
    private func listing(_ folder: Folder, threads: Int) -> Listing {
      var result = Listing()
      do throws(IngestError) {
        // Opened by path: `fdopendir` on a descriptor opened relative to the root costs an
        // `fcntl` and an `fstat` more than `opendir` saves in path lookups.
        for (name, status) in try Self.entries(in: folder.path, threads: threads) {
          // The components are needed only to match a pattern; the rest is built from the prefix.
          let child = pattern == nil ? [] : folder.components + [Array(name.utf8)]
          let relative = folder.prefix + name
          let full = folder.path == "." ? name : (folder.path.hasSuffix("/") ? folder.path + name : folder.path + "/" + name)
          if let reason = FileTree.skipReason(name: name) {
            result.items.append(.skipped(Skipped(relative: relative, reason: reason)))
            continue
          }
          guard let st = status else {
            // A dangling link, or a name removed while listing.
            result.items.append(.skipped(Skipped(relative: relative, reason: .notRegular)))
            continue
          }
          switch st.st_mode & S_IFMT {
          case S_IFDIR:
            let identity = Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
            if folder.onPath.contains(identity) {
              result.items.append(.skipped(Skipped(relative: relative, reason: .symlinkLoop)))
              continue
            }
            if let pattern, !pattern.mayMatchUnder(child) { continue }
            var partitions = folder.partitions
            if let partition = FileTree.partition(folderName: name) { partitions.append(partition) }
            result.items.append(
              .found(
                Folder(
                  path: full, components: child, prefix: relative + "/", partitions: partitions,
                  onPath: folder.onPath + [identity])))
          case S_IFREG:
            if let pattern, !pattern.matches(child) { continue }
            if st.st_size == 0 {
              result.items.append(.skipped(Skipped(relative: relative, reason: .empty)))
              continue
            }
            if Self.hasZipSuffix(name) && FileTree.isZip(full) {
              // An archive inside the folder is a folder of its members.
              var members: [File] = []
              var skippedMembers: [Skipped] = []
              defer {
                result.items += members.map(Item.file)
                result.items += skippedMembers.map(Item.skipped)
              }
              try FileTree.expandZip(
                full, relative: relative, display: rootName + "/" + relative, into: &members, skipped: &skippedMembers)
              continue
            }
            var file = File(path: full, relative: relative, size: Int(st.st_size), partitions: folder.partitions)
            file.display = rootName + "/" + relative
            result.items.append(.file(file))
          default:
            if let pattern, !pattern.matches(child) { continue }
            result.items.append(.skipped(Skipped(relative: relative, reason: .notRegular)))
          }
        }
      } catch {
        result.error = error
      }
      return result
    }

    /// True when `name` ends in `.zip` in any case (what `name.lowercased().hasSuffix(".zip")`
    /// says, without making a String per name).
    static func hasZipSuffix(_ name: String) -> Bool {
      let bytes = Array(name.utf8.suffix(4))
      guard bytes.count == 4, bytes[0] == UInt8(ascii: ".") else { return false }
      return zip(bytes[1...], "zip".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    /// The names in a folder (not `.` and `..`), sorted bytewise, each with its status
    /// (`fstatat` relative to the open folder, following links; nil when it cannot be had),
    /// statted on up to `threads` threads when there are many; the folder is closed on return.
    static func entries(in folder: String, threads: Int = 1) throws(IngestError) -> [(String, stat?)] {
      guard let dir = opendir(folder) else { throw .reading(folder, errno: errno) }
      defer { closedir(dir) }
      var names: [[UInt8]] = []
      while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          Array(raw.prefix { $0 != 0 })
        }
        if name == [0x2E] || name == [0x2E, 0x2E] { continue }
        names.append(name)
      }
      names.sort { $0.lexicographicallyPrecedes($1) }
      let fd = dirfd(dir)
      @Sendable func entry(_ bytes: [UInt8]) -> (String, stat?) {
        var st = stat()
        let ok = (bytes + [0]).withUnsafeBufferPointer { cName in
          fstatat(fd, UnsafeRawPointer(cName.baseAddress!).assumingMemoryBound(to: CChar.self), &st, 0) == 0
        }
        return (String(decoding: bytes, as: UTF8.self), ok ? st : nil)
      }
      return names.mapInOrder(threads: threads, chunk: 256, entry)
    }
  }
}
