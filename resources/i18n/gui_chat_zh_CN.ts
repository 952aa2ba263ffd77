<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ChatController</name>
    <message>
        <location filename="../../gui_chat/ui/chat_controller.py" line="+69"/>
        <source>not confirmed before gui_chat closed</source>
        <translation>gui_chat 关闭前未得到确认</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not connected — press Start first.</source>
        <translation>未连接——请先点击“开始”。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The message is too long ({0:,} characters; at most {1:,}).</source>
        <translation>消息太长（{0:,} 个字符；最多 {1:,} 个）。</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+39"/>
        <source>the session had ended</source>
        <translation>会话已结束</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Not sent: {0}</source>
        <translation>未发送：{0}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>me</source>
        <translation>我</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Not delivered: {0}</source>
        <translation>未送达：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} joined{1}</source>
        <translation>{0}{1} 已加入</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} left{1}</source>
        <translation>{0} 已离开{1}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Connecting to {0}…</source>
        <translation>正在连接 {0}…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Connected to “{0}” at {1} as {2}</source>
        <translation>已连接到 {1} 上的“{0}”，昵称为 {2}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connected to {0} (raw bytes)</source>
        <translation>已连接到 {0}（原始字节）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} — reconnecting in {1:g} s (attempt {2})…</source>
        <translation>{0}——{1:g} 秒后重新连接（第 {2} 次尝试）…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} — reconnecting…</source>
        <translation>{0}——正在重新连接…</translation>
    </message>
    <message>
        <location line="+108"/>
        <source>History is off: it could not be written ({0}).</source>
        <translation>历史记录已关闭：无法写入（{0}）。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Raw TCP server listening on {0}</source>
        <translation>原始 TCP 服务器正在 {0} 上监听</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Room open on {0} — others join at port {1}</source>
        <translation>聊天室已在 {0} 上开放——其他人可通过端口 {1} 加入</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>UDP listening on {0}</source>
        <translation>UDP 正在 {0} 上监听</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Disconnected: {0}</source>
        <translation>已断开连接：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>ChatDelegate</name>
    <message>
        <location filename="../../gui_chat/ui/chat_delegate.py" line="+144"/>
        <source>not delivered</source>
        <translation>未送达</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>… {0:,} bytes in all — double-click to read everything</source>
        <translation>… 共 {0:,} 字节——双击查看全部</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>… {0:,} characters in all — double-click to read everything</source>
        <translation>… 共 {0:,} 个字符——双击查看全部</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../gui_chat/ui/chat_view.py" line="+491"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>ConnectionPanel</name>
    <message>
        <location filename="../../gui_chat/ui/connection_panel.py" line="+141"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Host a TCP room</source>
        <translation>创建 TCP 聊天室</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Join a TCP room</source>
        <translation>加入 TCP 聊天室</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>UDP (peer to peer)</source>
        <translation>UDP（点对点）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>gui_chat messages</source>
        <translation>gui_chat 消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Raw bytes (netcat, scripts, devices)</source>
        <translation>原始字节（netcat、脚本、设备）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Raw bytes talks to any plain TCP/UDP program: no framing, no nicknames</source>
        <translation>原始字节模式可与任何普通 TCP/UDP 程序通信：不分帧，也没有昵称</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your name in the chat</source>
        <translation>你在聊天中的名字</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>0.0.0.0 listens on every network of this machine; 127.0.0.1 only on itself</source>
        <translation>0.0.0.0 在本机的所有网络上监听；127.0.0.1 只在本机内部监听</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>0 picks any free port; the one taken is shown</source>
        <translation>0 表示任选一个空闲端口，实际使用的端口会显示出来</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>host name or IP address</source>
        <translation>主机名或 IP 地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nickname</source>
        <translation>昵称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listen on</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Recent connections…</source>
        <translation>最近的连接…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Host</source>
        <translation>创建</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (raw)</source>
        <translation>（原始）</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Bound to {0} port {1}</source>
        <translation>已绑定到 {0} 的端口 {1}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>This machine on the LAN: {0}</source>
        <translation>本机的局域网地址：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This machine has no LAN address (not connected?)</source>
        <translation>本机没有局域网地址（未连接网络？）</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Send to</source>
        <translation>发送到</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server at</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Room at</source>
        <translation>聊天室地址</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
</context>
<context>
    <name>DiscoveryController</name>
    <message>
        <location filename="../../gui_chat/ui/discovery_controller.py" line="+92"/>
        <source>Discovery stopped: {0}</source>
        <translation>局域网发现已停止：{0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui_chat/ui/main_window.py" line="+241"/>
        <source>People</source>
        <translation>成员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Search history…</source>
        <translation>搜索历史记录(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export conversation…</source>
        <translation>导出对话(&amp;E)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;lear conversation history…</source>
        <translation>清除对话历史记录(&amp;L)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keep history</source>
        <translation>保留历史记录(&amp;K)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+4"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Sound on new messages</source>
        <translation>新消息提示音(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Find others on the LAN (discovery)</source>
        <translation>在局域网中查找他人（发现）(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About gui_chat</source>
        <translation>关于 gui_chat(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a mode and press Start.</source>
        <translation>选择一种模式，然后点击“开始”。</translation>
    </message>
    <message>
        <location line="+178"/>
        <source>{0} (you)</source>
        <translation>{0}（你）</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Text files (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Conversation exported to {0}</source>
        <translation>对话已导出到 {0}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Clear history</source>
        <translation>清除历史记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the stored history of this conversation?</source>
        <translation>要删除此对话已保存的历史记录吗？</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>About gui_chat</source>
        <translation>关于 gui_chat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;h3&gt;gui_chat {0}&lt;/h3&gt;&lt;p&gt;A LAN messenger and socket workbench: host a TCP room, join one, chat over UDP, or talk raw bytes to any program.&lt;/p&gt;&lt;p&gt;Qt for Python {1}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;gui_chat {0}&lt;/h3&gt;&lt;p&gt;局域网聊天工具兼套接字工作台：创建 TCP 聊天室、加入聊天室、通过 UDP 聊天，或与任何程序收发原始字节。&lt;/p&gt;&lt;p&gt;Qt for Python {1}&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>MessageInput</name>
    <message>
        <location filename="../../gui_chat/ui/message_input.py" line="+24"/>
        <source>Type a message — Enter sends, Shift+Enter adds a line</source>
        <translation>输入消息——按 Enter 发送，Shift+Enter 换行</translation>
    </message>
</context>
<context>
    <name>NearbyPanel</name>
    <message>
        <location filename="../../gui_chat/ui/nearby_panel.py" line="+52"/>
        <source>Nearby</source>
        <translation>附近</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Host</source>
        <translation>主持人</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Double-click to join</source>
        <translation>双击加入</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Looking for rooms and peers… Nothing yet? Check that the others are on the same network (subnet) and that firewalls allow UDP port {0} (discovery), TCP port {1} (rooms) and UDP port {2} (UDP chat).</source>
        <translation>正在查找附近的聊天室和对等端…还没有结果？请确认其他人与你在同一网络（子网）中，并且防火墙放行了 UDP 端口 {0}（局域网发现）、TCP 端口 {1}（聊天室）和 UDP 端口 {2}（UDP 聊天）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Discovery is off; enter addresses by hand.</source>
        <translation>局域网发现已关闭；请手动输入地址。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>{0} (UDP)</source>
        <translation>{0}（UDP）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>hosted by {0}</source>
        <translation>由 {0} 创建</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <location filename="../../gui_chat/ui/notifier.py" line="+50"/>
        <source>{0} mentioned you</source>
        <translation>{0} 提到了你</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0} wrote</source>
        <translation>{0} 发来消息</translation>
    </message>
</context>
<context>
    <name>RawOptions</name>
    <message>
        <location filename="../../gui_chat/ui/raw_options.py" line="+39"/>
        <source>Send to</source>
        <translation>发送到</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everyone</source>
        <translation>所有人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Line end</source>
        <translation>行尾</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hex input</source>
        <translation>十六进制输入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show hex</source>
        <translation>显示十六进制</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{0} (left)</source>
        <translation>{0}（已离开）</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <location filename="../../gui_chat/ui/search_dialog.py" line="+46"/>
        <source>Search history</source>
        <translation>搜索历史记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text or name to find</source>
        <translation>要查找的文字或名字</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>History is off, so there is nothing to search.</source>
        <translation>历史记录已关闭，没有可搜索的内容。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} found</source>
        <translation>找到 {0} 条</translation>
    </message>
</context>
<context>
    <name>net</name>
    <message>
        <location filename="../../gui_chat/ui/net_text.py" line="+51"/>
        <source>port {0} is already in use on {1} — another program (or another room) has it; pick another port or 0 for any free one</source>
        <translation>端口 {0} 在 {1} 上已被占用——另一个程序（或另一个聊天室）正在使用它；请换一个端口，或填 0 自动选择空闲端口</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0} is not an address of this machine</source>
        <translation>{0} 不是本机的地址</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>connection refused by {0} — nothing is listening on that port</source>
        <translation>{0} 拒绝了连接——该端口上没有程序在监听</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>connecting to {0} timed out after {1} s — is the address right and the other side running?</source>
        <translation>连接 {0} 超时（{1} 秒）——地址是否正确？对方是否已运行？</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>connecting to {0} timed out</source>
        <translation>连接 {0} 超时</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} is unreachable from this machine</source>
        <translation>从本机无法访问 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the network of {0} is unreachable</source>
        <translation>{0} 所在的网络不可达</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>permission denied for {0} (ports below 1024 need administrator rights)</source>
        <translation>没有权限使用 {0}（1024 以下的端口需要管理员权限）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no such host: {0} could not be resolved</source>
        <translation>找不到主机：无法解析 {0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the room stopped responding (nothing for {0} s)</source>
        <translation>聊天室没有响应（已 {0} 秒没有收到任何数据）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} did not answer like a gui_chat room</source>
        <translation>{0} 的应答不像 gui_chat 聊天室</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not confirmed by the room before the session ended</source>
        <translation>会话结束前聊天室未确认收到</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not sent: the session had ended</source>
        <translation>未发送：会话已结束</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the room closed the connection</source>
        <translation>聊天室关闭了连接</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the room closed the connection: {0}</source>
        <translation>聊天室关闭了连接：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the room refused the connection: {0}</source>
        <translation>聊天室拒绝了连接：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the connection to the room was lost: {0}</source>
        <translation>与聊天室的连接已断开：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the room sent invalid data ({0})</source>
        <translation>聊天室发来了无效数据（{0}）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>invalid data: {0}</source>
        <translation>无效数据：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>expected a welcome, got {0}</source>
        <translation>应收到 welcome 消息，却收到了 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a room may not send {0}</source>
        <translation>聊天室不能发送 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>left the room</source>
        <translation>离开了聊天室</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the room is full ({0} people)</source>
        <translation>聊天室已满（{0} 人）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the host closed the room</source>
        <translation>主持人关闭了聊天室</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the room was already closed</source>
        <translation>聊天室已经关闭</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>did not introduce itself in time</source>
        <translation>未及时表明身份</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>stalled in the middle of a message</source>
        <translation>消息发送到一半就停住了</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>stopped responding</source>
        <translation>已无响应</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>rejoined</source>
        <translation>已重新加入</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>left</source>
        <translation>已离开</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>sent invalid data ({0})</source>
        <translation>发送了无效数据（{0}）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>expected a hello, got {0}</source>
        <translation>应收到 hello 消息，却收到了 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a client may not send {0}</source>
        <translation>客户端不能发送 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>speaks protocol version {0}, this room speaks version {1}</source>
        <translation>使用协议版本 {0}，而本聊天室使用版本 {1}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>dropped {0}: {1}</source>
        <translation>已断开 {0}：{1}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>connection lost (reset by peer)</source>
        <translation>连接已断开（被对方重置）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>connection lost</source>
        <translation>连接已断开</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>connection lost ({0})</source>
        <translation>连接已断开（{0}）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>was too slow to read what it was sent</source>
        <translation>接收太慢，跟不上发给它的数据</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} is not reading what it is sent</source>
        <translation>{0} 没有读取发给它的数据</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>could not accept a connection: {0}</source>
        <translation>无法接受连接：{0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>refused {0}: the limit of {1} connections is reached</source>
        <translation>已拒绝 {0}：已达到 {1} 个连接的上限</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>too much was typed while not connected</source>
        <translation>未连接期间输入的内容太多</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the connection to {0} was lost: {1}</source>
        <translation>与 {0} 的连接已断开：{1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} closed the connection</source>
        <translation>{0} 关闭了连接</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>internal error: {0}</source>
        <translation>内部错误：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no confirmation from {0} after {1} tries — is anyone listening?</source>
        <translation>尝试 {1} 次后仍未收到 {0} 的确认——对方在监听吗？</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not confirmed before UDP was stopped</source>
        <translation>UDP 停止前未收到确认</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not sent: UDP was already stopped</source>
        <translation>未发送：UDP 已停止</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cannot send to {0} from a socket bound to another address family</source>
        <translation>无法从绑定到另一种地址族的套接字向 {0} 发送</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>cannot send to {0}: {1}</source>
        <translation>无法发送到 {0}：{1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no peer to send to: enter its host and port</source>
        <translation>没有发送对象：请输入对方的主机和端口</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>receiving failed: {0}</source>
        <translation>接收失败：{0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>nobody is listening at {0} (port unreachable)</source>
        <translation>{0} 上没有程序在监听（端口不可达）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>ignored a datagram from {0}: {1}</source>
        <translation>已忽略来自 {0} 的数据报：{1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>ignored a {0} datagram from {1}</source>
        <translation>已忽略来自 {1} 的 {0} 数据报</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not sent: the server was already stopped</source>
        <translation>未发送：服务器已停止</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>nobody is connected</source>
        <translation>没有任何客户端连接</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} is no longer connected</source>
        <translation>{0} 已断开连接</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not sent: the connection was never made</source>
        <translation>未发送：连接始终没有建立</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not sent: the connection had ended</source>
        <translation>未发送：连接已结束</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} bytes do not fit in one UDP datagram (at most {1})</source>
        <translation>{0} 字节无法放入一个 UDP 数据报（最多 {1} 字节）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>discovery port {0} is unavailable ({1}); only answers to our own searches are heard</source>
        <translation>局域网发现端口 {0} 不可用（{1}）；只能收到对本机搜索的应答</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>message is too long for UDP ({0} bytes encoded, at most {1}); shorten it or use a TCP room</source>
        <translation>消息太长，无法通过 UDP 发送（编码后 {0} 字节，最多 {1} 字节）；请缩短消息或改用 TCP 聊天室</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>datagram of {0} bytes is over the limit</source>
        <translation>{0} 字节的数据报超出了上限</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>message is {0} bytes, more than the {1} bytes a frame may carry</source>
        <translation>消息有 {0} 字节，超过了一帧最多可承载的 {1} 字节</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>peer announced a {0}-byte message; the limit is {1} bytes</source>
        <translation>对方声明了一条 {0} 字节的消息；上限为 {1} 字节</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>message is not valid UTF-8 (byte {0})</source>
        <translation>消息不是有效的 UTF-8（第 {0} 字节）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>message is nested too deeply</source>
        <translation>消息嵌套层数太多</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>message is not valid JSON ({0})</source>
        <translation>消息不是有效的 JSON（{0}）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>message is not a JSON object</source>
        <translation>消息不是 JSON 对象</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>unknown message type {0}</source>
        <translation>未知的消息类型 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>bad {0} message: {1}</source>
        <translation>{0} 消息有误：{1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>field {0} is missing</source>
        <translation>缺少字段 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field {0} must be text</source>
        <translation>字段 {0} 必须是文本</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field {0} is too long</source>
        <translation>字段 {0} 太长</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field {0} holds a lone surrogate, which is not a character</source>
        <translation>字段 {0} 含有孤立的代理项，不是有效字符</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field {0} must be a small whole number</source>
        <translation>字段 {0} 必须是不太大的非负整数</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field {0} must be a number</source>
        <translation>字段 {0} 必须是数字</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field {0} is out of range</source>
        <translation>字段 {0} 超出范围</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field {0} must be a list of names</source>
        <translation>字段 {0} 必须是名字列表</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field &apos;chats&apos; must be a list of chats</source>
        <translation>字段 &apos;chats&apos; 必须是消息列表</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>field &apos;chats&apos; holds no chat</source>
        <translation>字段 &apos;chats&apos; 中没有消息</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>group {0} of {1} is not a list of a sender and texts</source>
        <translation>第 {0} 组（共 {1} 组）不是由发送者和文本组成的列表</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>group {0} of {1}: {2}</source>
        <translation>第 {0} 组（共 {1} 组）：{2}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} is not a number this protocol accepts</source>
        <translation>{0} 不是本协议接受的数值</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the character {0} (U+{1}) cannot be written in {2}</source>
        <translation>字符 {0}（U+{1}）无法用 {2} 编码表示</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} is not whole bytes of hex (odd number of digits)</source>
        <translation>{0} 不是完整的十六进制字节（位数为奇数）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} is not hexadecimal</source>
        <translation>{0} 不是十六进制数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Enter the address of the room to join.</source>
        <translation>请输入要加入的聊天室的地址。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter the port of the room to join (1–65535).</source>
        <translation>请输入要加入的聊天室的端口（1–65535）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter the host to send to, or set its port to 0 to only listen.</source>
        <translation>请输入要发送到的主机，或将其端口设为 0 以仅监听。</translation>
    </message>
</context>
</TS>
